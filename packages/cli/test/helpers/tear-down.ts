import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { mountSource } from '../../src/host/mount-source.js';
import type { Filler } from '../../src/demo/filler.js';
import type { AgentProcess } from './agent-process.js';
import type { SimHost } from './sim-host.js';

/** What a lifecycle test may have started, any part possibly never reached. */
export interface LifecycleParts {
  filler?: Filler | undefined;
  agents?: readonly (AgentProcess | undefined)[];
  host?: SimHost | undefined;
}

/**
 * Stops what a lifecycle test started, in the order that frees everything: the writer first (it holds
 * files open on the mount), every agent still running (SIGKILL: the test is over, nothing to finish),
 * then `beforeClose` (e.g. vgremove: device-mapper holds loop devices until the VG is gone), then the
 * host, which unmounts and stops the simulator, detaching its loop devices.
 */
export async function tearDown(parts: LifecycleParts, beforeClose?: (host: SimHost) => Promise<void>): Promise<void> {
  try {
    await parts.filler?.stop().catch(() => undefined);
    for (const agent of parts.agents ?? []) if (agent?.running) await agent.stop('SIGKILL');
    if (parts.host) await beforeClose?.(parts.host);
  } finally {
    // Whatever failed above, the host still unmounts and detaches its loop devices.
    await parts.host?.close();
  }
}

/**
 * What `uninstall --release-volumes --yes` promises, checked the same way by every lifecycle test:
 * no volume of ours left, the mount gone from the mount table and from fstab, and, once the simulator
 * has finished its background work, no loop device over its state directory.
 */
export async function expectAllReleased(host: SimHost): Promise<void> {
  expect(host.owned()).toHaveLength(0);
  expect(await mountSource(host.mountPoint)).toBeUndefined();
  expect(readFileSync(host.fstab, 'utf8')).not.toContain(host.mountPoint);
  await host.sim.settled();
  await expectNoLoopDeviceOver(host.stateDir);
}

/**
 * No loop device is left over `dir`. `losetup --detach` of a device something still has open (udev's
 * blkid probe after a change event, btrfs letting go after an unmount) only marks it for autoclear, and
 * the kernel drops it at the last close: on a loaded machine that came after the check (issue 18). So
 * wait for the condition, within a bound, instead of reading it once.
 */
export async function expectNoLoopDeviceOver(dir: string): Promise<void> {
  await vi.waitFor(() => expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(dir), { timeout: 30_000, interval: 250 });
}
