// In-memory fakes that keep state and throw the real errors, the virtual clock and the recording
// runner: for tests of code that embeds the autoscaler or a driver. Only here, not in the main entry,
// so production bundles never carry them.
export { ManualClock } from './clock.js';
export { RecordingCommandRunner, type RecordedCommand } from './command-runner.js';
export { MemoryHost } from './memory/memory-host.js';
export { InMemoryDriver, type InMemoryDriverOptions } from './memory/memory-driver.js';
export { InMemoryProvisioner, type InMemoryProvisionerOptions, type MemoryCloudVolume } from './memory/memory-provisioner.js';
export { InMemoryReclaimer, type InMemoryReclaimerOptions } from './memory/memory-reclaimer.js';
