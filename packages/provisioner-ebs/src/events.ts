import type { Ec2Action } from './ec2-api.js';
import type { Ec2CallError } from './ec2-errors.js';

/**
 * Every event an {@link EbsProvisioner} emits, with its payload; `provisioner.on(name, listener)` infers
 * the payload from this map. Every payload carries `at`, ms since the epoch on the provisioner's clock.
 */
export interface EbsProvisionerEvents {
  /** One attempt of one EC2 API call finished; `error` is set when it failed. */
  'ec2:call': (event: { at: number; action: Ec2Action; attempt: number; durationMs: number; error?: Ec2CallError }) => void;
  /** A failed attempt will be retried after `delayMs`. */
  'ec2:retry': (event: { at: number; action: Ec2Action; attempt: number; delayMs: number; error: Ec2CallError }) => void;
  /** CreateVolume returned a volume id. */
  'volume:created': (event: { at: number; volumeId: string; sizeGiB: number; volumeType: string }) => void;
  /** AttachVolume was accepted for `deviceName`. */
  'volume:attached': (event: { at: number; volumeId: string; deviceName: string }) => void;
  /** The block device of a volume was found on this host. */
  'device:discovered': (event: { at: number; volumeId: string; device: string }) => void;
  /** A volume was deleted, and why. */
  'volume:deleted': (event: { at: number; volumeId: string; reason: 'released' | 'cleanup' | 'orphan' }) => void;
  /** Something went wrong that did not fail the operation (a clean-up, a listener). */
  error: (event: { at: number; error: Error; context: string }) => void;
}

/** Names of the provisioner's events. */
export type EbsProvisionerEventName = keyof EbsProvisionerEvents;

/** The payload of one provisioner event. */
export type EbsProvisionerEventPayload<K extends EbsProvisionerEventName> = Parameters<EbsProvisionerEvents[K]>[0];
