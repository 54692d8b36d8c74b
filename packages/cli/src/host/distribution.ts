import { readFile } from 'node:fs/promises';

/** The os-release(5) fields install decides on. */
export interface OsRelease {
  /** `amzn`, `ubuntu`, `debian`, … */
  readonly id: string;
  /** `2023`, `2`, `22.04`, `24.04`, … */
  readonly versionId: string;
  readonly idLike: readonly string[];
  readonly prettyName: string;
}

/** What install needs to know about the distribution it runs on. */
export interface Distribution {
  readonly name: string;
  /** The filesystem an LVM layout gets when the configuration leaves it open. */
  readonly preferredFilesystem: 'xfs' | 'ext4';
  /** The command that installs a missing package, for the messages. */
  readonly installCommand: string;
  /** Why btrfs is not an option here, when it is not; undefined where the distribution ships btrfs-progs. */
  readonly btrfsUnsupported?: string;
}

/** Where os-release lives; systemd's fallback path is `/usr/lib/os-release`. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** Parses os-release(5): `KEY=value` lines, values optionally quoted with `\` escapes. */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    fields.set(match[1]!, value);
  }
  const id = fields.get('ID') ?? 'linux';
  return {
    id,
    versionId: fields.get('VERSION_ID') ?? '',
    idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    prettyName: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? id,
  };
}

/** Reads the first os-release that exists; undefined when none does (a minimal container). */
export async function readOsRelease(paths: readonly string[] = OS_RELEASE_PATHS): Promise<OsRelease | undefined> {
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) return parseOsRelease(text);
  }
  return undefined;
}

/**
 * What install does differently per distribution. Amazon Linux's own filesystem is xfs (its AMIs'
 * root, and what AWS documents for it), Ubuntu's and Debian's is ext4, so an LVM layout without a
 * configured filesystem gets that one. Amazon Linux 2023 ships no btrfs-progs (amazonlinux/amazon-linux-2023
 * issue #342, declined in discussion #251; its kernel mounts btrfs but without POSIX ACLs, issue #793),
 * so btrfs is refused there unless the tools were installed by hand.
 */
export function describeDistribution(release: OsRelease | undefined): Distribution {
  if (!release) return { name: 'an unknown Linux (no /etc/os-release)', preferredFilesystem: 'ext4', installCommand: 'your package manager' };
  const family = [release.id, ...release.idLike];
  if (release.id === 'amzn') {
    if (release.versionId.startsWith('2023')) {
      return {
        name: release.prettyName,
        preferredFilesystem: 'xfs',
        installCommand: 'dnf install -y',
        btrfsUnsupported: 'Amazon Linux 2023 does not package btrfs-progs and AWS does not support btrfs on it',
      };
    }
    return { name: release.prettyName, preferredFilesystem: 'xfs', installCommand: 'yum install -y' };
  }
  if (family.includes('debian') || family.includes('ubuntu'))
    return { name: release.prettyName, preferredFilesystem: 'ext4', installCommand: 'apt-get install -y' };
  if (family.some((id) => ['rhel', 'fedora', 'centos'].includes(id)))
    return { name: release.prettyName, preferredFilesystem: 'xfs', installCommand: 'dnf install -y' };
  return { name: release.prettyName, preferredFilesystem: 'ext4', installCommand: 'your package manager' };
}
