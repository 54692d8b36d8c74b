import { runDriverConformance } from '@ebs-autoscale/testkit';
import { createExt4StaticDriver } from '../src/index.js';

runDriverConformance({
  name: 'ext4-static',
  deviceSizeBytes: 256 * 1024 * 1024,
  createDriver: ({ mountPoint, devices, runner }) => createExt4StaticDriver({ mountPoint, device: devices[0] ?? '', runner }),
});
