// The suite checked against core's in-memory driver (keyv style): every check that needs no real block
// device runs here without root, so a bug in the suite shows up on any machine. The checks that read,
// format or mount devices are printed as skipped ("needs real block devices"); the btrfs and ext4
// drivers run them on loop devices.
import { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import type { ConformanceEnvironment } from '../src/index.js';
import { runDriverConformance } from '../src/index.js';

const MIB = 1024 * 1024;
const host = new MemoryHost();

function memoryEnvironment(): ConformanceEnvironment {
  return {
    kind: 'simulated',
    createDevice: async (sizeBytes) => host.attach(sizeBytes),
    createMountPoint: async () => '/mnt/memory',
    cleanup: async () => {},
  };
}

runDriverConformance({
  name: 'memory',
  environment: memoryEnvironment,
  deviceSizeBytes: 256 * MIB,
  createDriver: ({ mountPoint }) => new InMemoryDriver({ host, initialBytes: 256 * MIB, mountPoint }),
});

runDriverConformance({
  name: 'memory (fixed size)',
  environment: memoryEnvironment,
  addDevice: false,
  createDriver: ({ mountPoint }) => new CannotGrowDriver({ host, initialBytes: 256 * MIB, mountPoint, capabilities: { addDevice: false } }),
});

/** The in-memory driver, declared fixed-size: refuses to add devices the way ext4-static does. */
class CannotGrowDriver extends InMemoryDriver {
  override async extend(device: string): Promise<void> {
    const { DriverError } = await import('@ebs-autoscale/core');
    throw new DriverError(this.name, 'CANNOT_GROW', `cannot add ${device}: this filesystem has a fixed set of devices.`, { device });
  }
}
