export { startEc2Simulator, type Ec2Simulator, type SimClientConfig } from './simulator.js';
export {
  DEFAULT_INSTANCE,
  type Ec2SimulatorOptions,
  type SimBackingKind,
  type SimInstanceOptions,
  type SimInstanceInfo,
} from './options.js';
export {
  REALISTIC_LATENCIES,
  ZERO_LATENCIES,
  resolveLatencies,
  type LatencyProfile,
  type LatencyDistribution,
} from './latency.js';
export type { FaultController, ThrottleFaultOptions, FaultTarget, InjectedError } from './faults.js';
export { DEFAULT_THROTTLE_LIMITS, type ThrottleLimits, type BucketLimit, type ActionClass, type SimStats } from './throttling.js';
export type { SimVolumeView, SimAttachmentView, SimVolumeState, SimAttachmentState } from './state.js';
export type { VolumeModificationRule } from './actions/modifications.js';
