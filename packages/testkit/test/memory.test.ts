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
  // No extend(): the suite reads that from the driver and runs extend-cannot-grow instead of extend-*.
  createDriver: ({ mountPoint }) => new InMemoryDriver({ host, initialBytes: 256 * MIB, mountPoint, methods: { extend: false } }),
});
