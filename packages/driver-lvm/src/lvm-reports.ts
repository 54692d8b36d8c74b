import type { CommandRunner } from '@ebs-autoscale/core';
import { LVS_FIELDS, PVS_FIELDS, VGS_FIELDS, parseLvsReport, parsePvsReport, parseVgsReport, type LvReport, type PvReport, type VgReport } from './reports.js';

// Reports cover every VG rather than naming ours: `lvs <vg>` exits non-zero when the VG doesn't exist
// yet, which would make "not set up" indistinguishable from "lvm failed".
const REPORT_ARGS = ['--reportformat', 'json', '--units', 'b', '--nosuffix', '-o'];

/** Reads LVM's state through a runner: every LV, PV and VG, parsed. */
export class LvmReports {
  constructor(private readonly runner: CommandRunner) {}

  async lvs(): Promise<LvReport[]> {
    return parseLvsReport((await this.runner.run('lvs', [...REPORT_ARGS, LVS_FIELDS])).stdout);
  }

  async pvs(): Promise<PvReport[]> {
    return parsePvsReport((await this.runner.run('pvs', [...REPORT_ARGS, PVS_FIELDS])).stdout);
  }

  async vgs(): Promise<VgReport[]> {
    return parseVgsReport((await this.runner.run('vgs', [...REPORT_ARGS, VGS_FIELDS])).stdout);
  }

  async lv(vgName: string, lvName: string): Promise<LvReport | undefined> {
    return (await this.lvs()).find((lv) => lv.vgName === vgName && lv.lvName === lvName);
  }

  async vg(vgName: string): Promise<VgReport | undefined> {
    return (await this.vgs()).find((vg) => vg.vgName === vgName);
  }
}
