import { readFileSync } from 'node:fs';
import { buildUserData, MIME_BOUNDARY } from '@ebs-autoscale/cli';
import { describe, expect, it } from 'vitest';
import { batchDockerUserData, DOCKER_DAEMON_JSON } from '../src/batch-userdata.js';

/** The MIME parts between boundary lines, each split into its headers and body. */
function mimeParts(text: string): { headers: string[]; body: string }[] {
  const [preamble, ...rest] = text.split(`\n--${MIME_BOUNDARY}`);
  expect(preamble).toBe(`MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"\n`);
  expect(rest.at(-1)?.trim()).toBe('--');
  return rest.slice(0, -1).map((part) => {
    const [head = '', ...body] = part.replace(/^\n/, '').split('\n\n');
    return { headers: head.split('\n'), body: body.join('\n\n') };
  });
}

describe('the AWS Batch user data for /var/lib/docker', () => {
  const text = batchDockerUserData();

  it('is MIME multi-part with one cloud-config part, as Batch merges it', () => {
    const parts = mimeParts(text);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.headers).toEqual(['Content-Type: text/cloud-config; charset="us-ascii"']);
    expect(parts[0]?.body.startsWith('#cloud-config\n')).toBe(true);
  });

  it('installs the agent for /var/lib/docker with Docker stopped around it', () => {
    const runcmd = text.slice(text.indexOf('runcmd:')).split('\n').filter((line) => line.startsWith('  - '));
    expect(runcmd).toEqual([
      '  - [npm, install, --global, @ebs-autoscale/cli]',
      '  - [systemctl, stop, docker]',
      '  - [ebs-autoscale, install, --mountpoint, /var/lib/docker]',
      '  - [systemctl, start, --no-block, docker]',
    ]);
  });

  it('writes a daemon.json that parses, puts the data root on the mount and uses the btrfs driver', () => {
    const line = text.split('\n').find((l) => l.startsWith('    content: '));
    expect(text).toContain('  - path: /etc/docker/daemon.json\n');
    // The content is a YAML double-quoted scalar, which JSON string syntax is a subset of.
    const daemon = JSON.parse(JSON.parse(line?.slice('    content: '.length) ?? '""') as string) as Record<string, unknown>;
    expect(daemon).toEqual(DOCKER_DAEMON_JSON);
    expect(daemon['data-root']).toBe('/var/lib/docker');
    // The file in this folder, which the README shows, is the same configuration.
    expect(JSON.parse(readFileSync(new URL('../daemon.json', import.meta.url), 'utf8'))).toEqual(DOCKER_DAEMON_JSON);
  });

  it('is what `ebs-autoscale userdata -m /var/lib/docker` prints (the same buildUserData), plus the daemon.json', () => {
    const withoutFiles = text.replace(/write_files:\n(?: {2}- path: .*\n {4}permissions: .*\n {4}content: .*\n)+/, '');
    expect(withoutFiles).not.toBe(text);
    expect(withoutFiles).toBe(buildUserData({ mountPoint: '/var/lib/docker' }));
  });
});
