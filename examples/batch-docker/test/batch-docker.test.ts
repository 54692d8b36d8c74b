import { readFileSync } from 'node:fs';
import { buildUserData, MIME_BOUNDARY } from '@ebs-autoscale/cli';
import { describe, expect, it } from 'vitest';
import { batchDockerUserData, dockerDaemonJson } from '../src/batch-userdata.js';

const ARTIFACT = 's3://my-bucket/ebs-autoscale-0.1.0-linux-arm64.tar.gz';

/** The file a bootcmd heredoc writes (the CLI's own tests read the whole user data back with cloud-init). */
function bootFile(text: string, path: string): string {
  const open = `cat > '${path}' <<'EBS_AUTOSCALE_END_OF_FILE'\n`;
  const start = text.indexOf(open);
  expect(start, `${path} is not written`).toBeGreaterThan(0);
  const body = text.slice(start + open.length);
  return body.slice(0, body.indexOf('    EBS_AUTOSCALE_END_OF_FILE\n')).replace(/^ {4}/gm, '');
}

describe.each([
  ['AL2023 (LVM thin pool, xfs)', undefined, 'overlay2'],
  ['Ubuntu (btrfs)', 'ubuntu' as const, 'btrfs'],
])('the AWS Batch user data for /var/lib/docker on %s', (_name, os, storageDriver) => {
  const text = batchDockerUserData({ artifact: ARTIFACT, ...(os ? { os } : {}) });

  it('is MIME multi-part with one cloud-config part, as Batch merges it', () => {
    expect(text.startsWith(`MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"\n`)).toBe(true);
    expect(text.split(`\n--${MIME_BOUNDARY}\n`)).toHaveLength(2);
    expect(text).toContain('Content-Type: text/cloud-config; charset="us-ascii"');
  });

  it(`writes a daemon.json with the ${storageDriver} storage driver before systemd is reloaded, and orders Docker after the mount`, () => {
    const daemon = JSON.parse(bootFile(text, '/etc/docker/daemon.json')) as Record<string, unknown>;
    expect(daemon).toEqual(dockerDaemonJson(storageDriver === 'btrfs' ? 'btrfs' : 'xfs'));
    expect(daemon['storage-driver']).toBe(storageDriver);
    expect(text.indexOf('/etc/docker/daemon.json')).toBeLessThan(text.indexOf('systemctl daemon-reload'));
    expect(bootFile(text, '/etc/systemd/system/docker.service.d/10-ebs-autoscale.conf')).toContain('After=ebs-autoscale-setup.service');
  });

  it('is what `ebs-autoscale userdata -m /var/lib/docker` prints, plus the daemon.json', () => {
    const plain = buildUserData({ artifact: ARTIFACT, mountPoint: '/var/lib/docker', ...(os ? { os } : {}) });
    expect(text).not.toBe(plain);
    expect(text.replace(/ {4}mkdir -p '\/etc\/docker'\n[\s\S]*?chmod 0644 '\/etc\/docker\/daemon.json'\n/, '')).toBe(plain);
  });
});

it('the daemon.json in this folder, which the README shows, is the AL2023 one', () => {
  expect(JSON.parse(readFileSync(new URL('../daemon.json', import.meta.url), 'utf8'))).toEqual(dockerDaemonJson('xfs'));
});
