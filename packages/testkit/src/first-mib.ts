import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

/**
 * The first MiB of a device (or file). Every filesystem and volume-manager signature we refuse to touch
 * lives there (btrfs's first superblock at 64 KiB, ext4's at 1 KiB, LVM's label in sector 1), so a
 * refusal that left this unchanged left the device untouched. Compare with `Buffer.equals`.
 */
export async function firstMiB(device: string): Promise<Buffer> {
  const handle = await open(device, 'r');
  try {
    const buffer = Buffer.alloc(MIB);
    const { bytesRead } = await handle.read(buffer, 0, MIB, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
