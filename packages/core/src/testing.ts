// In-memory fakes that keep state and throw the real errors, and the virtual clock: for tests of code
// that embeds the autoscaler. A separate entry point so production bundles never carry them.
export { ManualClock } from './clock.js';
export { MemoryHost } from './memory/memory-host.js';
export { InMemoryDriver, type InMemoryDriverOptions } from './memory/memory-driver.js';
export { InMemoryProvisioner, type InMemoryProvisionerOptions, type MemoryCloudVolume } from './memory/memory-provisioner.js';
