/**
 * Where the suite gets its devices and mount points. The loop environment makes real block devices; a
 * simulated one (core's in-memory host) makes names only, and the suite then skips, with a printed
 * reason, every check that reads or writes a device.
 */
export interface ConformanceEnvironment {
  /** `real` devices can be read, formatted and mounted; `simulated` ones are names only. */
  readonly kind: 'real' | 'simulated';
  /** A new blank device of `sizeBytes`; returns its path. */
  createDevice(sizeBytes: number): Promise<string>;
  /** A new empty directory to mount on (or a name, when simulated). */
  createMountPoint(): Promise<string>;
  /** Unmounts, detaches and removes everything this environment made. Safe to call twice. */
  cleanup(): Promise<void>;
}
