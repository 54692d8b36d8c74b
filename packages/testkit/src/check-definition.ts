import type { FilesystemDriver } from '@ebs-autoscale/core';
import type { ConformanceCheck, DriverConformanceOptions } from './options.js';
import type { SuiteContext, SuiteWorld } from './suite-context.js';

/** One check: its name, title, whether it needs real devices, and the body. */
export interface CheckDefinition {
  readonly name: ConformanceCheck;
  readonly title: string;
  readonly real: boolean;
  /**
   * Why the check does not apply to this driver, read from the methods it has (e.g. no `extend()`);
   * undefined when it does. A check that does not apply is skipped with the reason printed.
   */
  readonly appliesTo?: (driver: FilesystemDriver) => string | undefined;
  run(world: SuiteWorld, suite: SuiteContext, options: DriverConformanceOptions): Promise<void>;
}
