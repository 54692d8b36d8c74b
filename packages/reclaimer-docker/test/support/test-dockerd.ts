import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';

/** A dockerd of the test's own, on a tmpfs data root of its own, with no network. */
export interface TestDockerd {
  readonly socketPath: string;
  readonly dataRoot: string;
  readonly docker: Docker;
  stop(): Promise<void>;
}

export type TestDockerdStart = { ok: true; daemon: TestDockerd } | { ok: false; reason: string };

const DOCKERD_CANDIDATES = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string, exited: () => string | undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = exited();
    if (exit) throw new Error(exit);
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `dockerd` as the hosts run it (`--iptables=false --ip6tables=false --bridge=none`,
 * its own data, exec root and socket), with the data root on a tmpfs so that the free space a test
 * measures is the daemon's alone (overlay2 runs on tmpfs), or on `dataRoot` when given (overlay2 runs on
 * btrfs and ext4 too). Says why when it cannot start, for a loud skip.
 */
export async function startTestDockerd(options: { sizeMiB?: number; dataRoot?: string; socketPath?: string } = {}): Promise<TestDockerdStart> {
  const sizeMiB = options.sizeMiB ?? 512;
  if (process.getuid?.() !== 0) return { ok: false, reason: 'dockerd needs root' };
  const dockerd = DOCKERD_CANDIDATES.find((p) => existsSync(p));
  if (!dockerd) return { ok: false, reason: 'no dockerd (apt-get install docker.io; scripts/bootstrap.sh does)' };
  const dir = await mkdtemp(join(tmpdir(), 'reclaimer-docker-'));
  // A data root given (an autoscaled mount, for the end-to-end scenario) is used as it is, not a tmpfs.
  const dataRoot = options.dataRoot ?? join(dir, 'data');
  const execRoot = join(dir, 'exec');
  const socketPath = options.socketPath ?? join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const namespace = basename(dir);
  await execa('mkdir', ['-p', dataRoot, execRoot]);
  const ownTmpfs = options.dataRoot === undefined;
  let mounted = false;
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (mounted) await execa('umount', [dataRoot]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (ownTmpfs) {
      await execa('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dataRoot]);
      mounted = true;
    }
    const log = openSync(logFile, 'a');
    child = spawn(
      dockerd,
      [
        '--data-root',
        dataRoot,
        '--exec-root',
        execRoot,
        '-H',
        `unix://${socketPath}`,
        '--pidfile',
        join(dir, 'dockerd.pid'),
        '--iptables=false',
        '--ip6tables=false',
        '--bridge=none',
        '--storage-driver',
        'overlay2',
        // Where a system containerd runs, this daemon shares it: a namespace of its own keeps their objects apart.
        '--containerd-namespace',
        namespace,
        '--containerd-plugins-namespace',
        `${namespace}-plugins`,
      ],
      { stdio: ['ignore', log, log] },
    );
    const docker = new Docker({ socketPath });
    const exitReason = () => (child!.exitCode !== null || child!.signalCode !== null ? `dockerd exited (${child!.exitCode ?? child!.signalCode})` : undefined);
    await until(
      async () =>
        existsSync(socketPath) &&
        (await docker.ping().then(
          () => true,
          () => false,
        )),
      30_000,
      'dockerd answering',
      exitReason,
    );
    return { ok: true, daemon: { socketPath, dataRoot, docker, stop: cleanup } };
  } catch (error) {
    const tail = await readFile(logFile, 'utf8').then(
      (t) => t.split('\n').slice(-5).join('\n'),
      () => '',
    );
    await cleanup().catch(() => {});
    return { ok: false, reason: `dockerd did not start: ${(error as Error).message}\n${tail}` };
  }
}
