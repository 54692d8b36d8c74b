// The one device guard: its order of refusals and what it returns, on a machine described by a fake probe.
import { DriverError, hasErrorCode, type CommandResult, type CommandRunner } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { assertUnusedDevice, type DeviceProbe, type MountEntry, type UnusedDeviceCheck } from '../src/index.js';

const LINK = '/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0abc';

/** A machine with one device, nvme2n1 (259:4), reached through a by-id link; `holders` and `mounts` as given. */
function machine(state: { holders?: string[]; mounts?: MountEntry[] } = {}): DeviceProbe {
  return {
    resolveBlockDevice: async (driver, path) => {
      if (path === LINK || path === '/dev/nvme2n1') return { path: '/dev/nvme2n1', name: 'nvme2n1', majorMinor: '259:4' };
      throw new DriverError(driver, 'NOT_A_BLOCK_DEVICE', `${path} does not exist.`);
    },
    holders: async () => state.holders ?? [],
    mounts: async () => state.mounts ?? [],
  };
}

/** blkid answering with `stdout` (exit 0), or "nothing found" (exit 2) when it is undefined; records the devices probed. */
function blkid(stdout?: string): CommandRunner & { probed: string[] } {
  const probed: string[] = [];
  return {
    probed,
    async run(command, args): Promise<CommandResult> {
      probed.push(args.at(-1) ?? '');
      return { command, args, exitCode: stdout === undefined ? 2 : 0, stdout: stdout ?? '', stderr: '' };
    },
  };
}

const check = (probe: DeviceProbe, runner: CommandRunner, extra: Partial<UnusedDeviceCheck> = {}): UnusedDeviceCheck => ({
  driver: 'test',
  runner,
  probe,
  ...extra,
});
const codeOf = (error: unknown) => (error instanceof DriverError ? error.code : String(error));

describe('assertUnusedDevice', () => {
  it('returns the kernel-named device behind a by-id link, and probes that node, not the link', async () => {
    const runner = blkid();
    const device = await assertUnusedDevice(check(machine(), runner), LINK);
    expect(device).toMatchObject({ path: '/dev/nvme2n1', name: 'nvme2n1', majorMinor: '259:4', signature: { type: undefined } });
    expect(runner.probed).toEqual(['/dev/nvme2n1']);
  });

  it('refuses in order: not a block device, membership, mounted, held, signature', async () => {
    const mounted: MountEntry = { majorMinor: '259:4', mountPoint: '/mnt/x', mountOptions: 'rw', fsType: 'ext4', source: '/dev/nvme2n1', options: 'rw' };
    const busy = machine({ holders: ['dm-0'], mounts: [mounted] });
    const member = async () => {
      throw new DriverError('test', 'DEVICE_IN_USE', 'member of ours');
    };
    const errors = await Promise.all([
      assertUnusedDevice(check(busy, blkid('TYPE=swap\n'), { checkMembership: member }), '/dev/nope').catch(codeOf),
      assertUnusedDevice(check(busy, blkid('TYPE=swap\n'), { checkMembership: member }), LINK).catch((error: unknown) => String(error)),
      assertUnusedDevice(check(busy, blkid('TYPE=swap\n')), LINK).catch(codeOf),
      assertUnusedDevice(check(machine({ holders: ['dm-0'] }), blkid('TYPE=swap\n')), LINK).catch((error: unknown) => String(error)),
      assertUnusedDevice(check(machine(), blkid('TYPE=swap\nLABEL=x\n')), LINK).catch(codeOf),
      assertUnusedDevice(check(machine(), blkid('TYPE=LVM2_member\nUUID=u\n')), LINK).catch(codeOf),
    ]);
    expect(errors).toEqual([
      'NOT_A_BLOCK_DEVICE',
      expect.stringMatching(/member of ours/),
      'DEVICE_MOUNTED',
      expect.stringMatching(/held by dm-0/),
      'DEVICE_NOT_BLANK',
      'DEVICE_IN_USE',
    ]);
  });

  it('lets through a signature the caller accepts, and returns it', async () => {
    const device = await assertUnusedDevice(check(machine(), blkid('TYPE=ext4\nLABEL=ours\n'), { acceptSignature: (s) => s.label === 'ours' }), LINK);
    expect(device.signature).toEqual({ type: 'ext4', uuid: undefined, label: 'ours' });
    const refused = await assertUnusedDevice(check(machine(), blkid('TYPE=ext4\nLABEL=theirs\n'), { acceptSignature: (s) => s.label === 'ours' }), LINK).catch(
      (e: unknown) => e,
    );
    expect(hasErrorCode(refused, 'DEVICE_NOT_BLANK')).toBe(true);
    expect(String(refused)).toMatch(/labelled "theirs"/);
  });
});
