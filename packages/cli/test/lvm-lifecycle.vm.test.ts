import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { statusCommand } from '../src/cli/status-command.js';
import { Filler } from '../src/demo/filler.js';
import { toolOnPath } from '../src/host/find-tool.js';
import { dropInPathFor } from '../src/systemd/unit-names.js';
import { AgentProcess } from './helpers/agent-process.js';
import { capture, SimHost } from './helpers/sim-host.js';
import { expectAllReleased, tearDown } from './helpers/tear-down.js';

// Runs in the VM (`node scripts/vm-test.mjs packages/cli/test/lvm-lifecycle.vm.test.ts`): LVM needs
// device-mapper and online resize2fs needs CAP_SYS_RESOURCE, which the host may not have.
const reasons = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...(existsSync('/dev/mapper/control') ? [] : ['device-mapper (/dev/mapper/control)']),
  ...((await toolOnPath('pvcreate')) ? [] : ['lvm2']),
  ...((await toolOnPath('losetup')) ? [] : ['losetup']),
  // install refuses the thin-pool layout without thin_check, as LVM would refuse to activate the pool.
  ...((await toolOnPath('thin_check')) ? [] : ['thin-provisioning-tools (thin_check)']),
];
const canRun = reasons.length === 0;
if (!canRun)
  console.warn(
    `[ebs-autoscale/cli] SKIPPING the LVM (lvm.ext4) agent lifecycle: needs ${reasons.join(', ')}; run it with \`node scripts/vm-test.mjs packages/cli/test/lvm-lifecycle.vm.test.ts\``,
  );

const VG = `cli_vm_vg_${process.pid}`;
const LV = 'cli_vm_lv';

/** amazon-ebs-autoscale's own file for its lvm.ext4 layout, numbers as strings as install.sh writes them, at test sizes. */
function legacyLvmConfig(mountPoint: string, logFile: string): string {
  return JSON.stringify({
    mountpoint: mountPoint,
    filesystem: 'lvm.ext4',
    lvm: { volume_group: VG, logical_volume: LV },
    volume: { type: 'gp3', encrypted: 1 },
    detection_interval: '1',
    limits: {
      initial_utilization_threshold: '50',
      min_ebs_volume_size: '2',
      max_ebs_volume_size: '4',
      max_logical_volume_size: '40',
      max_ebs_volume_count: '8',
    },
    logging: { log_file: logFile, log_interval: '5' },
  });
}

/** Our format with the LVM driver's defaults: the thin-pool layout, the filesystem left to the distribution (ext4 on Debian). */
function thinPoolConfig(mountPoint: string): Record<string, unknown> {
  return {
    version: 1,
    mountPoint,
    driver: { kind: 'lvm', volumeGroup: VG, logicalVolume: LV },
    policy: { kind: 'compatibility', initialThresholdPercent: 50, intervalSeconds: 1 },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 4, maxTotalCreatedGiB: 40, maxAttachedVolumes: 8 },
  };
}

/** The two LVM layouts the agent runs: amazon-ebs-autoscale's file as it is, and our default. */
const layouts = [
  {
    name: "amazon-ebs-autoscale's lvm.ext4 file (linear)",
    layout: 'linear',
    config: (mountPoint: string) => legacyLvmConfig(mountPoint, join(dirname(mountPoint), 'ebs-autoscale.log')),
  },
  { name: 'our format, LVM defaults (thin-pool)', layout: 'thin-pool', config: thinPoolConfig },
] as const;

describe.skipIf(!canRun)('the agent on LVM (VM: device-mapper, loop devices)', () => {
  let host: SimHost | undefined;
  let agent: AgentProcess | undefined;
  let filler: Filler | undefined;

  afterEach(async () => {
    await tearDown({ filler, agents: [agent], host }, async ({ runner, mountPoint }) => {
      await runner.run('umount', [mountPoint], { allowFailure: true });
      await runner.run('vgremove', ['--force', '--force', '--yes', VG], { allowFailure: true });
    });
    [host, agent, filler] = [undefined, undefined, undefined];
  });

  it.each(layouts)(
    '$name: install → run → fill → scale-up → status → uninstall --release-volumes --yes',
    async ({ layout, config }) => {
      host = await SimHost.start({ config });
      const { mountPoint } = host;

      const installed = await host.install(['--initial-size', '2']);
      expect(installed.code, installed.text).toBe(0);
      expect(installed.text).toContain(`LVM ${layout} with ext4`);
      expect(execFileSync('lvs', ['--noheadings', '-o', 'segtype', `${VG}/${LV}`], { encoding: 'utf8' }).trim()).toBe(
        layout === 'thin-pool' ? 'thin' : 'linear',
      );
      expect(await mountSource(mountPoint)).toBe(`/dev/mapper/${VG}-${LV}`);
      // A thin LV is mounted with discard, so deleted files return their blocks to the pool.
      const mountOptions = layout === 'thin-pool' ? 'discard,nofail' : 'defaults,nofail';
      expect(readFileSync(host.fstab, 'utf8')).toMatch(new RegExp(`^UUID=[0-9a-f-]+ ${mountPoint} ext4 ${mountOptions} 0 0$`, 'm'));
      const unit = readFileSync(dropInPathFor(host.unitDir, host.mountPoint), 'utf8');
      expect(unit).toContain('--bytes-per-gib 128MiB');

      agent = AgentProcess.start(host.runArgv());
      await agent.waitForEvent('agent:ready', { timeoutMs: 120_000 });
      const before = Number(execFileSync('blockdev', ['--getsize64', `/dev/${VG}/${LV}`], { encoding: 'utf8' }));
      filler = new Filler(mountPoint, 8 * MIB);
      filler.start();
      const complete = await agent.waitForEvent('scale:complete', { timeoutMs: 240_000 });
      await filler.stop();
      expect(complete.afterGiB as number).toBeGreaterThan(complete.beforeGiB as number);
      // linear: vgextend + lvresize -l 100%VG + resize2fs; thin-pool: vgextend, the pool and the thin LV
      // extended, resize2fs. Either way the LV and the ext4 on it grew, online.
      expect(Number(execFileSync('blockdev', ['--getsize64', `/dev/${VG}/${LV}`], { encoding: 'utf8' }))).toBeGreaterThan(before);
      const pvs = execFileSync('pvs', ['--noheadings', '-o', 'pv_name', '--select', `vg_name=${VG}`], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
      expect(pvs.length).toBeGreaterThanOrEqual(2);

      const status = capture();
      expect(await statusCommand(['--config', host.configPath, '--run-dir', host.runDir, '--json'], status.io), status.text()).toBe(0);
      const report = JSON.parse(status.text()) as { running: boolean; status: { driver: string; addedVolumes: number; devices: string[] } };
      expect(report).toMatchObject({ running: true, status: { driver: 'lvm' } });
      expect(report.status.devices).toHaveLength(pvs.length);
      expect(report.status.addedVolumes).toBe(host.owned().length);

      expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
      const released = await host.uninstall(['--release-volumes', '--yes']);
      expect(released.code, released.text).toBe(0);
      expect(released.text).toContain(`removed the volume group ${VG}`);
      await expectAllReleased(host);
    },
    600_000,
  );
});
