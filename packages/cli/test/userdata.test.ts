import { describe, expect, it } from 'vitest';
import { buildUserData } from '../src/userdata/userdata.js';

describe('buildUserData', () => {
  it('is MIME multi-part as AWS Batch launch templates require', () => {
    const text = buildUserData();
    const lines = text.split('\n');
    expect(lines[0]).toBe('MIME-Version: 1.0');
    expect(lines[1]).toBe('Content-Type: multipart/mixed; boundary="=="');
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe('--==');
    expect(lines[4]).toBe('Content-Type: text/cloud-config; charset="us-ascii"');
    expect(text.trimEnd().endsWith('--==--')).toBe(true);
    // Every part opens with its own Content-Type right after the boundary line.
    const parts = text.split(/^--==$/m).slice(1);
    expect(parts.length).toBeGreaterThanOrEqual(1);
    for (const part of parts) expect(part.trimStart().startsWith('Content-Type: ')).toBe(true);
  });

  it('installs the agent and runs install for /scratch by default', () => {
    const text = buildUserData();
    expect(text).toContain('#cloud-config');
    expect(text).toContain('  - [npm, install, --global, @ebs-autoscale/cli]');
    expect(text).toContain('  - [ebs-autoscale, install, --mountpoint, /scratch]');
    expect(text).toContain('  - btrfs-progs');
  });

  it('takes a mount point, a tarball and extra install arguments, quoting what YAML would misread', () => {
    const text = buildUserData({ mountPoint: '/var/lib/docker', packageSpec: 'https://example.com/cli 1.tgz', installArgs: ['--initial-size', '100', 'yes'] });
    expect(text).toContain('[npm, install, --global, "https://example.com/cli 1.tgz"]');
    expect(text).toContain('[ebs-autoscale, install, --mountpoint, /var/lib/docker, --initial-size, "100", "yes"]');
  });

  it('stops Docker around install for its data root, and writes files early, as valid YAML strings', () => {
    const text = buildUserData({ mountPoint: '/var/lib/docker', files: [{ path: '/etc/x.json', content: '{"a": "b\\n"}\n' }] });
    expect(text).toContain('  - [systemctl, stop, docker]\n  - [ebs-autoscale, install, --mountpoint, /var/lib/docker]\n  - [systemctl, start, --no-block, docker]\n');
    expect(text).toContain('write_files:\n  - path: /etc/x.json\n    permissions: "0644"\n    content: "{\\"a\\": \\"b\\\\n\\"}\\n"\n');
    expect(buildUserData()).not.toContain('systemctl');
  });
});
