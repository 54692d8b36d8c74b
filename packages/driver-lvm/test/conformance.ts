import { createExecaRunner } from '@ebs-autoscale/core';
import { runDriverConformance, type DriverConformanceOptions } from '@ebs-autoscale/testkit';
import { createLvmDriver, type LvmLayout } from '../src/index.js';
import { createLvmLoopEnvironment } from './lvm-environment.js';

let counter = 0;

/**
 * The shared conformance suite for one layout, on loop devices that are `vgremove`d after each check.
 * One file per layout (`conformance-*.vm.test.ts`) so the VM can run them side by side.
 */
export function runLvmConformance(layout: LvmLayout, skip: DriverConformanceOptions['skip'] = {}): void {
  const runner = createExecaRunner();
  runDriverConformance({
    name: `lvm ${layout}`,
    runner,
    environment: () => createLvmLoopEnvironment(runner),
    // A VG name per driver: the refusal checks build a second driver on other devices, which must not
    // find the first one's VG and call itself prepared. The pid keeps parallel files apart.
    createDriver: ({ mountPoint, devices }) =>
      createLvmDriver({ layout, mountPoint, devices, runner, volumeGroup: `conformance_${layout.replace('-', '_')}_${process.pid}_${++counter}` }),
    skip,
  });
}
