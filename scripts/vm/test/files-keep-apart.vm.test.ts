import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The VM runs two test files at once (vitest.vm.config.ts), so a file's cleanup may undo only what it
// made. Issue 18: the LVM growth scenarios' afterEach unmounted every mount under any
// `ebs-autoscale-testkit-*` directory, so the ext4-static test running beside it found its filesystem
// gone ("is not mounted … Call prepare() first") right after its device grew. This runs one scenario of
// that file in a vitest of its own, beside a mount of ours in a directory named like the testkit's, and
// checks ours is still there afterwards.
const REPO = join(import.meta.dirname, '..', '..', '..');
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
/** Its cheapest scenario (about 20 s under TCG): what matters is that its afterEach runs. */
const NEIGHBOUR = { file: 'packages/driver-lvm/test/growth.vm.test.ts', test: 'grows metadata past the threshold' };

const mountedAt = (path: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);

describe('VM test files running side by side', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ebs-autoscale-testkit-'));
  const ours = join(dir, 'mnt-ours');
  afterAll(() => {
    if (mountedAt(ours)) execFileSync('umount', [ours]);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${NEIGHBOUR.file} leaves another file's mounts alone`, async () => {
    mkdirSync(ours);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ours]);
    const report = join(dir, 'neighbour.json');
    await promisify(execFile)(
      process.execPath,
      [VITEST, 'run', '--config', 'vitest.vm.config.ts', '--reporter=json', `--outputFile=${report}`, NEIGHBOUR.file, '-t', NEIGHBOUR.test],
      { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
    );
    // Its scenario really ran (a renamed test would match nothing and prove nothing).
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ numPassedTests: 1, numFailedTests: 0 });
    expect(mountedAt(ours), `${NEIGHBOUR.file} unmounted ${ours}, which another test file owns`).toBe(true);
  });
});
