import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { BaselineHost } from './baseline-agent.js';
import { XvdLinks } from './device-links.js';
import { FillWriter } from './filler.js';
import { NamespacedAgent } from './namespaced.js';
import { runOnce } from './run.js';
import type { World } from './workloads.js';

/**
 * Stops the baseline the way `systemctl stop` does (SIGTERM to every process of the unit: its
 * service file sets no KillMode, so systemd's default, control-group) while its create-ebs-volume has
 * a new volume attached but not yet in the filesystem, and reports what is left: a markdown paragraph.
 */
export async function runStrandCheck(options: { world: World; checkout: string; aws: string; log?: (line: string) => void }): Promise<string> {
  const { world } = options;
  const runner = createExecaRunner();
  const dir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-bench-strand-'));
  const mountPoint = join(dir, 'scratch');
  await mkdir(mountPoint);
  await mkdir(join(dir, 'sim'));
  let sim: Ec2Simulator | undefined;
  let links: XvdLinks | undefined;
  let agent: NamespacedAgent | undefined;
  const writer = new FillWriter(mountPoint);
  const stop = new AbortController();
  try {
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB: world.bytesPerGiB, stateDir: join(dir, 'sim'), latencies: world.latencies });
    links = new XvdLinks(sim);
    const host = await BaselineHost.create({ dir, checkout: options.checkout, sim, world, mountPoint, aws: options.aws });
    await runOnce(host.setup, host.createVolumeArgv(world.initialSizeGiB, world.maxAttachedVolumes), host.env);
    const first = sim.volumes().find((v) => v.attachment?.device === '/dev/xvdba');
    if (!first) throw new Error('[ebs-autoscale] [bench] the baseline made no first volume');
    await runner.run('mkfs.btrfs', ['-f', '-d', 'single', '/dev/xvdba']);
    await runner.run('mount', ['/dev/xvdba', mountPoint]);
    agent = await NamespacedAgent.start({ argv: host.daemonArgv, env: host.env, setup: host.setup });
    const daemon = agent;
    const fill = writer.run({ name: 'strand', seconds: 60, segments: [{ fromS: 0, toS: 60, mibps: 16 }] }, stop.signal);
    // Wait until a second volume is attached while create-ebs-volume still runs (before its btrfs device add).
    const deadline = Date.now() + 60_000;
    let victim: string | undefined;
    while (Date.now() < deadline && !victim) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const creating = daemon.tree().some((pid) => cmdline(pid).includes('create-ebs-volume'));
      victim = creating
        ? sim.volumes().find((v) => v.volumeId !== first.volumeId && v.volumeId !== sim!.instance.rootVolumeId && v.attachment?.state === 'attached')?.volumeId
        : undefined;
    }
    if (!victim) return 'Not shown: no volume was attached while create-ebs-volume ran within 60 s.';
    for (const pid of daemon.tree()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
    await daemon.stop(30_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const view = sim.volume(victim)!;
    const fsDevices = execFileSync('btrfs', ['filesystem', 'show', mountPoint], { encoding: 'utf8' });
    const inFs = [...fsDevices.matchAll(/\bpath (\S+)/g)].some((m) => m[1] === view.loopDevice);
    const log = await readFile(host.logPath, 'utf8').catch(() => '');
    const lastLines = log
      .trim()
      .split('\n')
      .slice(-3)
      .map((l) => `    ${l}`)
      .join('\n');
    options.log?.(
      `strand check: ${victim} ${view.state}, attached ${view.attachment?.state ?? 'no'}, DeleteOnTermination ${String(view.attachment?.deleteOnTermination)}, in the filesystem: ${inFs}`,
    );
    stop.abort();
    await fill.catch(() => undefined);
    return (
      `In the ${world.name} world, the daemon and its create-ebs-volume got SIGTERM (as \`systemctl stop\` sends it to the unit's whole control group) ` +
      `while volume ${victim} was attached at ${view.attachment?.device ?? '?'} and before \`btrfs device add\`. Afterwards the volume is **${view.state}**, ` +
      `attachment ${view.attachment?.state ?? 'none'}, DeleteOnTermination **${String(view.attachment?.deleteOnTermination ?? false)}**, ` +
      `${inFs ? 'in' : '**not in**'} the btrfs filesystem: ${inFs ? 'nothing stranded' : 'an attached volume that nothing uses and that a restart of the daemon does not adopt (it only adds new ones)'}. ` +
      `The baseline's log ends:\n\n${lastLines}\n`
    );
  } finally {
    agent?.kill();
    stop.abort();
    await runner.run('umount', [mountPoint], { allowFailure: true }).catch(() => undefined);
    await links?.close();
    await sim?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
