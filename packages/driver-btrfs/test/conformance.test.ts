import { runDriverConformance } from '@ebs-autoscale/testkit';
import { createBtrfsDriver } from '../src/index.js';

runDriverConformance({
  name: 'btrfs',
  // Sparse loop devices; btrfs's minimum is about 114 MiB.
  deviceSizeBytes: 256 * 1024 * 1024,
  createDriver: ({ mountPoint, devices, runner }) => createBtrfsDriver({ mountPoint, devices, runner }),
});
