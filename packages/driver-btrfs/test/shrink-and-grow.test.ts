// Shrink and hybrid growth on real loop devices (issue 17): removeDevice() with writes going on and
// under SIGKILL, and growInPlace() onto a device enlarged underneath the filesystem. Every check
// remounts before reading back, so the files come from the devices, not from the page cache.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createExecaRunner, hasErrorCode } from '@ebs-autoscale/core';
import { checksumTree, LoopDeviceFactory, requireRootOrWarn, type TreeChecksums } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createBtrfsDriver, type BtrfsDriver } from '../src/index.js';

const MIB = 1024 * 1024;
const runner = createExecaRunner();

/** Polls `condition` until it holds (every 5 ms, up to `timeoutMs`): these tests wait for states, never for time. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(5);
  }
}

/** Writes `count` files of random bytes under `dir` and records each one's sha256 in `into`, keyed as checksumTree keys it. */
async function writeChecksummed(root: string, dir: string, count: number, bytes: number, into: TreeChecksums): Promise<void> {
  await mkdir(join(root, dir), { recursive: true });
  for (let index = 0; index < count; index += 1) {
    const name = `${dir}/file-${String(index).padStart(4, '0')}.bin`;
    const content = randomBytes(bytes);
    await writeFile(join(root, name), content);
    into[name] = createHash('sha256').update(content).digest('hex');
  }
}

/** Unmounts and mounts again through prepare(), so what is read next comes from the devices. */
async function remount(driver: BtrfsDriver): Promise<void> {
  await unmount(driver.mountPoint);
  await driver.prepare();
}

/**
 * Unmounts, then waits until the kernel has dropped the filesystem's sysfs directory: it can outlive
 * `umount` by a moment (seen once in this file), and until it goes prepare() rightly sees the devices
 * as members of a mounted btrfs.
 */
async function unmount(mountPoint: string): Promise<void> {
  const uuid = (await runner.run('findmnt', ['-n', '-o', 'UUID', mountPoint])).stdout.trim();
  await runner.run('umount', [mountPoint]);
  await until(`/sys/fs/btrfs/${uuid} is gone`, () => !existsSync(`/sys/fs/btrfs/${uuid}`));
}

/** `btrfs scrub` (every checksum of data and metadata, online) and `btrfs check --readonly` of every member (offline) both find nothing wrong. */
async function expectConsistent(driver: BtrfsDriver): Promise<void> {
  const scrub = await runner.run('btrfs', ['scrub', 'start', '-B', driver.mountPoint], { allowFailure: true });
  expect(scrub.exitCode, `btrfs scrub: ${scrub.stdout}${scrub.stderr}`).toBe(0);
  const members = await driver.devices();
  await unmount(driver.mountPoint);
  for (const member of members) {
    const check = await runner.run('btrfs', ['check', '--readonly', member], { allowFailure: true });
    expect(check.exitCode, `btrfs check ${member}: ${check.stdout}${check.stderr}`).toBe(0);
  }
  await driver.prepare();
}

/** The pid of the `btrfs device remove <device>` process, if one runs. */
function removalPid(device: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (() => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })();
    if (args.includes('device') && args.includes('remove') && args.includes(device)) return Number(entry);
  }
  return undefined;
}

/** The kernel's current exclusive operation on the filesystem mounted at `mountPoint` (`none`, `device remove`…). */
async function exclusiveOperation(mountPoint: string): Promise<string> {
  const { stdout } = await runner.run('findmnt', ['-n', '-o', 'UUID', mountPoint]);
  return readFileSync(`/sys/fs/btrfs/${stdout.trim()}/exclusive_operation`, 'utf8').trim();
}

/**
 * A btrfs on a 1 GiB initial device with a 1 GiB device added and 256 MiB of checksummed files written
 * after the add (so most of them sit on the added device): a removal has a few seconds of data to move.
 */
async function addedDeviceWithData(loops: LoopDeviceFactory) {
  const mountPoint = await loops.mountPoint();
  const initial = await loops.create(1024 * MIB);
  const driver = createBtrfsDriver({ mountPoint, devices: [initial], runner });
  await driver.prepare();
  const added = await loops.create(1024 * MIB);
  await driver.extend(added);
  const written: TreeChecksums = {};
  await writeChecksummed(mountPoint, 'before', 256, MIB, written);
  await runner.run('sync', []);
  return { mountPoint, initial, added, driver, written };
}

describe.skipIf(!requireRootOrWarn('btrfs shrink and in-place growth on loop devices'))('btrfs removeDevice() and growInPlace() on real devices', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('files written before, during (the writer keeps going) and after a removal all read back identical', { timeout: 180_000 }, async () => {
    const mountPoint = await loops.mountPoint();
    const initial = await loops.create(512 * MIB);
    const driver = createBtrfsDriver({ mountPoint, devices: [initial], runner });
    await driver.prepare();
    const added = await loops.create(512 * MIB);
    await driver.extend(added);
    const written: TreeChecksums = {};
    // New data chunks go to the device with the most unallocated space, the added one: the removal has data to move.
    await writeChecksummed(mountPoint, 'before', 48, MIB, written);
    await runner.run('sync', []);

    let removing = true;
    let during = 0;
    const writer = (async () => {
      await mkdir(join(mountPoint, 'during'), { recursive: true });
      for (let index = 0; removing || index < 8; index += 1) {
        const name = `during/file-${String(index).padStart(4, '0')}.bin`;
        const content = randomBytes(256 * 1024);
        await writeFile(join(mountPoint, name), content);
        written[name] = createHash('sha256').update(content).digest('hex');
        during = index + 1;
      }
    })();
    await driver.removeDevice(added);
    removing = false;
    await writer;
    await writeChecksummed(mountPoint, 'after', 8, MIB, written);

    expect(during).toBeGreaterThanOrEqual(8);
    expect(await driver.devices()).toEqual([initial]);
    expect(await driver.holdsDevice(added)).toBe(false);
    // The kernel wiped the removed device's superblock: blkid finds nothing, so the volume is blank again.
    expect((await runner.run('blkid', ['-p', added], { allowFailure: true })).exitCode).toBe(2);
    await remount(driver);
    expect(await checksumTree(mountPoint)).toEqual(written);
    await expectConsistent(driver);
  });

  it(
    'a SIGKILL of the removing process leaves a consistent filesystem, the device a member or fully gone, and a later removal finishes',
    { timeout: 300_000 },
    async () => {
      const { mountPoint, initial, added, driver, written } = await addedDeviceWithData(loops);

      const removal = driver.removeDevice(added).then(
        () => 'finished' as const,
        (error: unknown) => error,
      );
      // Kill once the kernel is removing: the process exists and the filesystem's exclusive operation is the removal.
      await until('btrfs device remove runs', async () => removalPid(added) !== undefined && (await exclusiveOperation(mountPoint)) === 'device remove');
      const pid = removalPid(added);
      let killed = false;
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
          killed = true;
        } catch {
          // Gone between the two looks: the removal finished first; what follows must hold either way.
        }
      }
      const outcome = await removal;
      await until('the kernel has let go of the removal', async () => (await exclusiveOperation(mountPoint)) === 'none');

      const members = await driver.devices();
      const stillMember = members.includes(added);
      expect(killed, 'the removal finished before it could be killed: give it more data to move').toBe(true);
      expect(outcome, 'a killed removal reports its failure').not.toBe('finished');
      if (!stillMember) {
        // Fully gone: not a member, and no btrfs signature left behind on it.
        expect(await driver.holdsDevice(added)).toBe(false);
        expect((await runner.run('blkid', ['-p', added], { allowFailure: true })).exitCode).toBe(2);
      }
      expect(members.filter((member) => member !== added)).toEqual([initial]);
      await expectConsistent(driver);
      expect(await checksumTree(mountPoint)).toEqual(written);

      // The restart: a new driver on the same filesystem finishes the job.
      const restarted = createBtrfsDriver({ mountPoint, devices: [initial], runner });
      await restarted.prepare();
      if (stillMember) await restarted.removeDevice(added);
      expect(await restarted.devices()).toEqual([initial]);
      await remount(restarted);
      expect(await checksumTree(mountPoint)).toEqual(written);
      await expectConsistent(restarted);
    },
  );

  it(
    'a removal cancelled through its signal stops, rejects with ABORTED, and leaves the device a member and the data whole',
    { timeout: 300_000 },
    async () => {
      const { mountPoint, initial, added, driver, written } = await addedDeviceWithData(loops);

      const controller = new AbortController();
      const removal = driver.removeDevice(added, { signal: controller.signal }).then(
        () => 'finished' as const,
        (error: unknown) => error,
      );
      await until('btrfs device remove runs', async () => (await exclusiveOperation(mountPoint)) === 'device remove');
      controller.abort(new Error('a fill started'));
      const outcome = await removal;
      expect(hasErrorCode(outcome, 'ABORTED'), String(outcome)).toBe(true);
      await until('the kernel has let go of the removal', async () => (await exclusiveOperation(mountPoint)) === 'none');
      expect((await driver.devices()).sort()).toEqual([initial, added].sort());
      await remount(driver);
      expect(await checksumTree(mountPoint)).toEqual(written);
      await expectConsistent(driver);
      // Nothing is left half-done: the same removal runs to the end afterwards.
      await driver.removeDevice(added);
      expect(await driver.devices()).toEqual([initial]);
    },
  );

  it('growInPlace() takes the space of a device enlarged underneath it (truncate + losetup -c), online, data intact', { timeout: 120_000 }, async () => {
    const mountPoint = await loops.mountPoint();
    const initial = await loops.create(256 * MIB);
    const driver = createBtrfsDriver({ mountPoint, devices: [initial], runner });
    await driver.prepare();
    const added = await loops.create(256 * MIB);
    await driver.extend(added);
    const written: TreeChecksums = {};
    await writeChecksummed(mountPoint, 'before', 16, MIB, written);
    const before = (await driver.usage()).totalBytes;

    await driver.growInPlace(); // nothing grew yet: a no-op
    expect((await driver.usage()).totalBytes).toBe(before);
    await loops.grow(added, 512 * MIB);
    await driver.growInPlace();
    expect((await driver.usage()).totalBytes).toBe(before + 256 * MIB);
    // The new space is usable: more than the old total fits now.
    await writeChecksummed(mountPoint, 'after', 540, MIB, written);

    await remount(driver);
    expect(await checksumTree(mountPoint)).toEqual(written);
    await expectConsistent(driver);
  });
});
