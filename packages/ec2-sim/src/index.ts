export { startEc2Simulator, type Ec2Simulator, type SimClientConfig } from './simulator.js';
export { DEFAULT_INSTANCE, type Ec2SimulatorOptions, type SimBackingKind, type SimInstanceOptions, type SimInstanceInfo } from './options.js';
export {
  REALISTIC_LATENCIES,
  QUICK_LATENCIES,
  ZERO_LATENCIES,
  resolveLatencies,
  type LatencyProfile,
  type LatencyProfileName,
  type LatencyDistribution,
} from './latency.js';
export type { FaultController, ThrottleFaultOptions, FaultTarget, InjectedError } from './faults.js';
export { DEFAULT_THROTTLE_LIMITS, throttleClassOf, type ThrottleLimits, type ActionClass, type SimStats } from './throttling.js';
export { TokenBucket, type BucketLimit } from './token-bucket.js';
export { createRandom, type Random } from './random.js';
export type { SimVolumeView, SimAttachmentView, SimVolumeState, SimAttachmentState } from './state.js';
export type { VolumeModificationRule } from './modification-rule.js';
