// The whole conformance test of a third-party driver: the shared suite, on real loop devices (root).
import { createExecaRunner } from '@ebs-autoscale/core';
import { runDriverConformance } from '@ebs-autoscale/testkit';
import { createXfsDriver } from '../src/xfs-driver.js';

runDriverConformance({
  name: 'xfs-single (example)',
  deviceSizeBytes: 512 * 1024 * 1024, // mkfs.xfs wants at least 300 MiB
  runner: createExecaRunner(),
  createDriver: ({ mountPoint, devices, runner }) => createXfsDriver({ mountPoint, device: devices[0]!, runner }),
});
