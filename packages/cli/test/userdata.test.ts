// Issue 13, items 4 and 5: the user data, read back by the parts that read it at boot — Python's email
// parser as cloud-init itself drives it (its UserDataProcessor), cloud-init's own schema validation,
// and the shell (dash, Debian's /bin/sh, as Ubuntu's; AL2023's is bash).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { userdataCommand } from '../src/cli/userdata-command.js';
import { shellQuote } from '../src/userdata/shell-quote.js';
import { buildUserData, USER_DATA_LIMIT_BYTES, type UserDataOptions } from '../src/userdata/userdata.js';
import { capture } from './helpers/sim-host.js';
import { bootcmdOf, cloudInitMissing, cloudInitParts, cloudInitSchema } from './helpers/cloud-init.js';

const S3 = 's3://my-bucket/releases/ebs-autoscale-0.1.0-linux-arm64.tar.gz';
const HTTPS = 'https://mirror.example/ebs-autoscale-0.1.0-linux-x64.tar.gz';
const SHA = 'a'.repeat(64);

const dir = mkdtempSync(join(tmpdir(), 'ebs-autoscale-userdata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The setup script bootcmd writes, cut out of the heredoc that carries it. */
function setupScript(text: string): string {
  const bootcmd = bootcmdOf(text);
  const start = bootcmd.indexOf("cat > '/opt/ebs-autoscale-setup/setup.sh' <<'EBS_AUTOSCALE_END_OF_FILE'\n");
  const body = bootcmd.slice(bootcmd.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf('\nEBS_AUTOSCALE_END_OF_FILE\n') + 1);
}

const VARIANTS: [string, UserDataOptions][] = [
  ['AL2023, /var/lib/docker, s3 with SHA256SUMS', { artifact: S3, mountPoint: '/var/lib/docker' }],
  ['AL2023, /scratch, s3 with --sha256', { artifact: S3, sha256: SHA }],
  ['Ubuntu, btrfs, https', { artifact: HTTPS, sha256: SHA, os: 'ubuntu' }],
  [
    'Ubuntu, LVM, extra install arguments that need quoting',
    { artifact: HTTPS, sha256: SHA, os: 'ubuntu', driver: 'lvm', installArgs: ['--initial-size', '100', "it's $HOME `x`"] },
  ],
];

describe('the MIME envelope AWS Batch requires', () => {
  it('has the headers, a boundary of its own, a blank line before every boundary line, and the closing one', () => {
    const text = buildUserData({ artifact: S3 });
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="==MYBOUNDARY=="', '', '--==MYBOUNDARY==']);
    expect(lines[4]).toBe('Content-Type: text/cloud-config; charset="us-ascii"');
    expect(text.endsWith('\n--==MYBOUNDARY==--\n')).toBe(true);
    // Batch's own part uses ==BOUNDARY==; a merged document must not confuse the two.
    expect(text).not.toContain('--==BOUNDARY==');
    lines.forEach((line, index) => {
      if (line.startsWith('--==MYBOUNDARY==') && index > 3) expect(lines[index - 1], `line ${index}`).toBe('');
    });
  });

  it.each(VARIANTS)("%s: stays inside EC2's 16 KiB", (_name, options) => {
    expect(Buffer.byteLength(buildUserData(options))).toBeLessThan(USER_DATA_LIMIT_BYTES);
  });
});

describe.skipIf(cloudInitMissing !== undefined)("read back by cloud-init (Debian's cloud-init package)", () => {
  if (cloudInitMissing) console.warn(`[ebs-autoscale/cli] SKIPPING the user data's cloud-init checks: ${cloudInitMissing}`);

  it.each(VARIANTS)("%s: parses as MIME into one cloud-config part, which passes cloud-init's schema", (_name, options) => {
    const text = buildUserData(options);
    const parts = cloudInitParts(text, dir);
    expect(parts.map((part) => part.contentType)).toEqual(['text/cloud-config']);
    expect(parts[0]!.body.startsWith('#cloud-config\n')).toBe(true);
    const schema = cloudInitSchema(parts[0]!.body, dir);
    expect(schema.status, schema.output).toBe(0);
    expect(schema.output).toMatch(/Valid cloud-config/);
  });

  it('a broken cloud-config is caught by the same check (the check can fail)', () => {
    const schema = cloudInitSchema('#cloud-config\nbootcmd: 5\n', dir);
    expect(schema.status).not.toBe(0);
  });
});

describe('the setup script, read by dash', () => {
  it.each(VARIANTS)('%s: bootcmd and the setup script are valid sh', (_name, options) => {
    const text = buildUserData(options);
    for (const program of [bootcmdOf(text), setupScript(text)]) {
      const file = join(dir, 'check.sh');
      writeFileSync(file, program);
      const check = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    }
  });

  it('installs with dnf on AL2023 (LVM thin pool, xfs) and apt on Ubuntu (btrfs-progs), only what is missing', () => {
    const al = setupScript(buildUserData({ artifact: S3 }));
    expect(al).toContain("'dnf' 'install' '-y' '--setopt=install_weak_deps=False' 'util-linux' 'lvm2' 'device-mapper-persistent-data' 'xfsprogs'");
    expect(al).toContain("install --mountpoint '/scratch' --driver 'lvm'");
    expect(al).not.toContain('apt-get');
    const ubuntu = setupScript(buildUserData({ artifact: HTTPS, sha256: SHA, os: 'ubuntu' }));
    expect(ubuntu).toContain("'apt-get' 'update' '-q'");
    expect(ubuntu).toContain("'apt-get' 'install' '-y' '-q' '--no-install-recommends' 'util-linux' 'btrfs-progs'");
    expect(ubuntu).toContain("--driver 'btrfs'");
    expect(ubuntu).toContain('for tool in ');
  });

  it('fetches s3 with the AWS CLI and checks the SHA256SUMS beside it, https with curl and the given digest', () => {
    const s3 = setupScript(buildUserData({ artifact: S3 }));
    expect(s3).toContain('aws s3 cp --only-show-errors "$artifact"');
    expect(s3).toContain('"${artifact%/*}/SHA256SUMS"');
    expect(s3).toContain("sha256=''");
    const https = setupScript(buildUserData({ artifact: HTTPS, sha256: SHA.toUpperCase(), os: 'ubuntu' }));
    expect(https).toContain(`sha256='${SHA}'`);
    expect(https).toContain("curl --fail --silent --show-error --location --proto '=https'");
    expect(https).not.toContain('aws s3');
    expect(https).toContain('[ "$(uname -m)" = x86_64 ]');
  });

  it('orders Docker and ECS after the setup for /var/lib/docker, ECS alone otherwise, with drop-ins written before the reload', () => {
    const docker = bootcmdOf(buildUserData({ artifact: S3, mountPoint: '/var/lib/docker' }));
    expect(docker).toContain("cat > '/etc/systemd/system/docker.service.d/10-ebs-autoscale.conf'");
    expect(docker).toContain("cat > '/etc/systemd/system/ecs.service.d/10-ebs-autoscale.conf'");
    expect(docker).toContain('Before=docker.service ecs.service');
    expect(docker).toContain('RequiresMountsFor=/var/lib/docker');
    expect(docker.indexOf('10-ebs-autoscale.conf')).toBeLessThan(docker.indexOf('systemctl daemon-reload'));
    expect(docker.trimEnd().endsWith('systemctl start --no-block ebs-autoscale-setup.service')).toBe(true);
    expect(docker).not.toMatch(/systemctl (stop|restart)/);
    const scratch = bootcmdOf(buildUserData({ artifact: S3 }));
    expect(scratch).not.toContain('docker.service');
    expect(scratch).toContain('Before=ecs.service');
    expect(bootcmdOf(buildUserData({ artifact: S3, orderBefore: [] }))).not.toContain('Before=');
  });

  it('is bounded in time: every step has a timeout, and the unit a limit above their sum', () => {
    const text = bootcmdOf(buildUserData({ artifact: S3, mountPoint: '/var/lib/docker' }));
    const script = setupScript(buildUserData({ artifact: S3, mountPoint: '/var/lib/docker' }));
    const steps = [...script.matchAll(/timeout (\d+) /g), ...script.matchAll(/--max-time (\d+)/g), ...script.matchAll(/--timeout '?(\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(steps.length).toBeGreaterThanOrEqual(4);
    const limit = Number(/TimeoutStartSec=(\d+)/.exec(text)?.[1]);
    expect(limit).toBeGreaterThan(240 + 120 + 200);
    expect(text).toContain('StandardOutput=journal+console');
    expect(text).toContain('Wants=ebs-autoscale-setup.service');
    expect(text).not.toContain('Requires=ebs-autoscale-setup.service');
  });

  it('quotes any value so that the shell reads it back unchanged (property, run by dash)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !value.includes('\0')),
        (value) => {
          const out = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`]);
          expect(out.toString()).toBe(Buffer.from(value).toString());
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('refused on the laptop, with what to do', () => {
  it.each<[string, Partial<UserDataOptions>, RegExp]>([
    ['no artifact', { artifact: '' }, /--artifact is required.*pnpm release/],
    ['https without --sha256', { artifact: HTTPS }, /--sha256 is required for an https artifact/],
    ['a digest that is not one', { artifact: S3, sha256: 'abc' }, /not 64 hex digits/],
    ['not a tarball', { artifact: 's3://b/ebs-autoscale.zip' }, /not a \.tar\.gz/],
    ['a quote in the URL', { artifact: "https://x/a'b.tar.gz", sha256: SHA }, /contains "'"/],
    ['a newline in the URL', { artifact: 'https://x/a\nb.tar.gz', sha256: SHA }, /contains "\\n"/],
    ['an ftp URL', { artifact: 'ftp://x/a.tar.gz', sha256: SHA }, /not an s3:\/\/bucket\/key or https/],
    ['btrfs on AL2023', { artifact: S3, driver: 'btrfs' }, /btrfs driver cannot run on Amazon Linux 2023.*--driver/],
    ['a relative mount point', { artifact: S3, mountPoint: 'scratch' }, /not an absolute path/],
    ['a mount point with a space', { artifact: S3, mountPoint: '/my scratch' }, /not an absolute path/],
    ['a dot-dot mount point', { artifact: S3, mountPoint: '/var/../etc' }, /not an absolute path/],
    ['a unit that is not one', { artifact: S3, orderBefore: ['docker; rm -rf /'] }, /is not a unit name/],
  ])('%s', (_name, options, message) => {
    expect(() => buildUserData({ artifact: S3, ...options } as UserDataOptions)).toThrow(message);
  });

  it('the command says which defaults it used on stderr, and prints only the user data on stdout', () => {
    const out = capture();
    const stdout: string[] = [];
    const code = userdataCommand(['--artifact', S3], { stdout: { write: (text: string) => (stdout.push(text), true) } as never, stderr: out.io.stderr });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/used the defaults --os al2023, --driver lvm \(thin pool, xfs\), --mountpoint \/scratch, the SHA256SUMS beside the s3 artifact/);
    expect(stdout.join('').startsWith('MIME-Version: 1.0\n')).toBe(true);
  });

  it('the command refuses an unknown --os before printing anything', () => {
    const out = capture();
    expect(userdataCommand(['--artifact', S3, '--os', 'centos'], out.io)).toBe(2);
    expect(out.text()).toMatch(/--os expects one of al2023, ubuntu/);
  });
});
