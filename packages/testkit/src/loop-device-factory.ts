import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner, type CommandRunner } from '@ebs-autoscale/core';
import type { ConformanceEnvironment } from './environment.js';
import { findMounts } from './mounts.js';

/** Options of {@link LoopDeviceFactory}. */
export interface LoopDeviceFactoryOptions {
  /** Runs `losetup` and `umount`. Default: `createExecaRunner()`. */
  runner?: CommandRunner;
  /** Where the temp directory for backing files and mount points goes. Default: `os.tmpdir()`. */
  baseDir?: string;
}

/**
 * Makes real block devices for tests: a sparse backing file in its own temp directory, attached with
 * `losetup --find --show`. It remembers what it made, and `cleanup()` undoes exactly that: it unmounts
 * every mount of its devices or under its directory, detaches only its own loop devices (other tests
 * use loop devices at the same time, so never `losetup -D`), and removes the files. Call `cleanup()` in
 * `afterEach`/`afterAll`, so it also runs when a test fails.
 *
 * @example
 * ```ts
 * const loops = new LoopDeviceFactory();
 * afterEach(() => loops.cleanup());
 * it('formats', async () => {
 *   const device = await loops.create(256 * MIB);
 *   const mountPoint = await loops.mountPoint();
 * });
 * ```
 */
export class LoopDeviceFactory {
  private readonly runner: CommandRunner;
  private readonly baseDir: string;
  private dir: string | undefined;
  private readonly loops: string[] = [];
  /** Each device's backing file. */
  private readonly files = new Map<string, string>();
  private counter = 0;

  constructor(options: LoopDeviceFactoryOptions = {}) {
    this.runner = options.runner ?? createExecaRunner();
    this.baseDir = options.baseDir ?? tmpdir();
  }

  /** The loop devices created and not yet cleaned up. */
  get devices(): readonly string[] {
    return [...this.loops];
  }

  /** A new blank loop device backed by a sparse file of `sizeBytes`; returns e.g. `/dev/loop7`. */
  async create(sizeBytes: number): Promise<string> {
    const file = join(await this.workDir(), `disk-${this.next()}.img`);
    const handle = await open(file, 'w');
    try {
      // Sparse: truncate allocates nothing, so a 512 MiB device costs only what is written to it.
      await handle.truncate(sizeBytes);
    } finally {
      await handle.close();
    }
    const { stdout } = await this.runner.run('losetup', ['--find', '--show', file]);
    const device = stdout.trim();
    this.loops.push(device);
    this.files.set(device, file);
    return device;
  }

  /**
   * Enlarges a device this factory made to `sizeBytes`, as EBS ModifyVolume does to a volume: the
   * backing file grows (sparse), then `losetup -c` makes the kernel read the new size.
   */
  async grow(device: string, sizeBytes: number): Promise<void> {
    const file = this.files.get(device);
    if (file === undefined) throw new Error(`[ebs-autoscale] [testkit] ${device} was not made by this LoopDeviceFactory, so it is not grown.`);
    const handle = await open(file, 'r+');
    try {
      await handle.truncate(sizeBytes);
    } finally {
      await handle.close();
    }
    await this.runner.run('losetup', ['--set-capacity', device]);
  }

  /** A new empty directory inside this factory's temp directory, for mounting. */
  async mountPoint(): Promise<string> {
    const path = join(await this.workDir(), `mnt-${this.next()}`);
    await mkdir(path);
    return path;
  }

  /** Unmounts, detaches and removes everything this factory made. Errors are collected, not thrown midway. */
  async cleanup(): Promise<void> {
    const problems: string[] = [];
    const dir = this.dir;
    // Unmount deepest first, repeatedly: a btrfs over several loops shows only one of them as source.
    for (let round = 0; round < 3; round += 1) {
      const mounts = (await findMounts()).filter((entry) => this.loops.includes(entry.source) || (dir !== undefined && entry.mountPoint.startsWith(`${dir}/`)));
      if (mounts.length === 0) break;
      mounts.sort((a, b) => b.mountPoint.length - a.mountPoint.length);
      for (const mount of mounts) {
        const result = await this.runner.run('umount', [mount.mountPoint], { allowFailure: true });
        if (result.exitCode !== 0 && round === 2) problems.push(`umount ${mount.mountPoint}: ${result.stderr.trim()}`);
      }
    }
    this.files.clear();
    for (const loop of this.loops.splice(0)) {
      const result = await this.runner.run('losetup', ['--detach', loop], { allowFailure: true });
      if (result.exitCode !== 0) problems.push(`losetup --detach ${loop}: ${result.stderr.trim()}`);
    }
    if (dir !== undefined) {
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => problems.push(`rm ${dir}: ${String(error)}`));
      this.dir = undefined;
    }
    if (problems.length > 0) throw new Error(`[ebs-autoscale] [testkit] cleanup left things behind: ${problems.join('; ')}`);
  }

  private async workDir(): Promise<string> {
    this.dir ??= await mkdtemp(join(this.baseDir, 'ebs-autoscale-testkit-'));
    return this.dir;
  }

  private next(): number {
    this.counter += 1;
    return this.counter;
  }
}

/** The default conformance environment: real loop devices from a {@link LoopDeviceFactory}. */
export function createLoopEnvironment(options: LoopDeviceFactoryOptions = {}): ConformanceEnvironment {
  const factory = new LoopDeviceFactory(options);
  return {
    kind: 'real',
    createDevice: (sizeBytes) => factory.create(sizeBytes),
    createMountPoint: () => factory.mountPoint(),
    cleanup: () => factory.cleanup(),
  };
}
