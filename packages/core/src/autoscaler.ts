import { backoffDelay, type BackoffOptions } from './backoff.js';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock.js';
import { DriverError, EbsAutoscaleError } from './errors.js';
import { IsolatedEventEmitter, type AutoscalerEvents, type ScaleStage } from './events.js';
import type { FilesystemDriver } from './filesystem-driver.js';
import { createPredictivePolicy } from './policy/predictive-policy.js';
import type { Decision, LimitKind, ScalingLimits, ScalingPolicy, ScalingState, UsageSample } from './policy/policy.js';
import { GIB } from './units.js';
import { worstGauge, type PressureGauge, type UsageSnapshot } from './usage.js';
import type { OwnedVolume, VolumeProvisioner } from './volume-provisioner.js';
import { releaseIfUnused, type KeptVolume } from './release-guard.js';
import { adoptStrays, type AdoptStraysOptions, type StrayReport } from './strays.js';

/** Options of {@link StorageAutoscaler}. */
export interface StorageAutoscalerOptions {
  /** The filesystem strategy: btrfs, LVM, static ext4, or your own. */
  driver: FilesystemDriver;
  /** The cloud side: EBS, the simulator, or your own. */
  provisioner: VolumeProvisioner;
  /**
   * When and by how much to grow. Default: {@link createPredictivePolicy}, which `pnpm bench:policy`
   * measured against the compatibility policy and amazon-ebs-autoscale: no out-of-space event where
   * they had none, at 0.38× the baseline's over-provisioned GiB-hours in total and 0.59× in its worst
   * run (bench/out/policy.md). Pass
   * {@link createCompatibilityPolicy} for the bash agent's exact schedule.
   */
  policy?: ScalingPolicy;
  /** Time and timers. Default: the system clock; inject a `ManualClock` for tests. */
  clock?: Clock;
  /** How a failed scale is retried. */
  retry?: BackoffOptions;
  /**
   * Whether a started autoscaler keeps the Node process alive, as a listening server does. Default
   * true: a script that calls `start()` runs until `stop()`. With `false` only an operation in flight
   * holds the process (its waits always do, so it never exits mid-operation); between samples the
   * process may exit, as after a server's `unref()`. For an embedder whose host program decides
   * its own lifetime.
   */
  keepAlive?: boolean;
  /** How long to wait for the filesystem to report its new capacity after an extend. */
  capacity?: {
    /** Poll interval, ms. Default 1000. */
    pollMs?: number;
    /** Give up after this long, ms. Default 120 000. */
    timeoutMs?: number;
    /** Capacity counts as grown at `before + ratio × added size`. Default 0.5 (filesystems keep some for metadata). */
    minGrowthRatio?: number;
  };
}

/** Why `evaluate()` did not decide. */
export type SkipReason = 'busy' | 'stopped' | 'backoff' | 'sample-failed' | 'init-failed' | 'read-only';

/** What one `evaluate()` did. */
export interface EvaluationResult {
  /** The policy's decision, when a sample was taken. */
  readonly decision?: Decision;
  /** Set when no decision was made or acted on. */
  readonly skipped?: SkipReason;
  /** Set when a scale operation ran. */
  readonly scaled?: 'complete' | 'failed';
}

/** A snapshot of everything the autoscaler knows, without any I/O. */
export interface AutoscalerStatus {
  readonly state: 'stopped' | 'running' | 'stopping';
  readonly scaling: boolean;
  readonly mountPoint: string;
  readonly driver: string;
  readonly provisioner: string;
  readonly policy: string;
  readonly intervalMs: number;
  readonly limits: ScalingLimits;
  readonly usage: UsageSnapshot | undefined;
  readonly worst: PressureGauge | undefined;
  readonly devices: readonly string[];
  readonly volumes: readonly OwnedVolume[];
  readonly addedVolumes: number;
  readonly addedGiB: number;
  readonly lastDecision: Decision | undefined;
  readonly lastDecisionAt: number | undefined;
  readonly consecutiveFailures: number;
  readonly retryAt: number | undefined;
  readonly limitReached: LimitKind | undefined;
  /** The last sample found the mount read-only: nothing is added until it is writable again. */
  readonly readOnly: boolean;
  /** Volumes that were up for release but could not be proven unused, so were kept: see `proveUnused()`. */
  readonly keptVolumes: readonly KeptVolume[];
}

/** A volume enlarged (EBS accepted the ModifyVolume) whose filesystem has not been seen to grow onto it. */
interface PendingGrowth {
  readonly volumeId: string;
  readonly device: string;
  readonly addedGiB: number;
  /** The filesystem's capacity before the growth, bytes. */
  readonly fromTotalBytes: number;
}

/**
 * Grows a mount point while it is in use. On an interval it samples the driver's usage, asks the
 * policy, and when the policy says so provisions a volume and has the driver add it, one operation at
 * a time. Failures are reported as events and retried with backoff; nothing is thrown out of the loop.
 *
 * @example
 * ```ts
 * import { StorageAutoscaler } from '@ebs-autoscale/core';
 * const autoscaler = new StorageAutoscaler({ driver, provisioner });
 * autoscaler.on('scale:complete', (e) => console.log(`+${e.sizeGiB} GiB in ${e.durationMs} ms`));
 * autoscaler.start(); // keeps the process alive until stop(), unless `keepAlive: false`
 * process.on('SIGTERM', () => void autoscaler.stop());
 * ```
 */
export class StorageAutoscaler extends IsolatedEventEmitter<AutoscalerEvents> {
  readonly driver: FilesystemDriver;
  readonly provisioner: VolumeProvisioner;
  readonly policy: ScalingPolicy;
  private readonly clock: Clock;
  private readonly keepAlive: boolean;
  private readonly retry: BackoffOptions;
  private readonly capacity: Required<NonNullable<StorageAutoscalerOptions['capacity']>>;

  private state: AutoscalerStatus['state'] = 'stopped';
  private timer: TimerHandle | undefined;
  private inFlight: Promise<EvaluationResult> | undefined;
  private scaling = false;
  private abort = new AbortController();
  private initialised = false;
  private samples: UsageSample[] = [];
  private lastUsage: UsageSnapshot | undefined;
  private lastWorst: PressureGauge | undefined;
  private lastDecision: Decision | undefined;
  private lastDecisionAt: number | undefined;
  private above = false;
  private limitReached: LimitKind | undefined;
  private readOnly = false;
  private deviceList: string[] = [];
  private volumes: OwnedVolume[] = [];
  private kept: KeptVolume[] = [];
  private leadTimes: number[] = [];
  private consecutiveFailures = 0;
  private retryAt: number | undefined;
  private operationId = 0;
  /**
   * A volume grown in place whose filesystem has not been seen to grow yet. The next attempt grows the
   * filesystem onto it instead of asking for more: EBS refuses a second ModifyVolume until the first is
   * `completed` and allows four per volume in 24 hours, and the first one already paid for the capacity.
   */
  private pendingGrowth: PendingGrowth | undefined;

  constructor(options: StorageAutoscalerOptions) {
    const clock = options.clock ?? systemClock;
    super(() => clock.now());
    if (!options.driver || !options.provisioner) {
      throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', 'StorageAutoscaler needs both a driver and a provisioner.', {
        hint: 'Pass { driver, provisioner } — e.g. createBtrfsDriver(...) and createEbsProvisioner(...).',
      });
    }
    this.driver = options.driver;
    this.provisioner = options.provisioner;
    this.policy = options.policy ?? createPredictivePolicy();
    this.clock = clock;
    this.keepAlive = options.keepAlive ?? true;
    this.retry = options.retry ?? {};
    this.capacity = { pollMs: 1000, timeoutMs: 120_000, minGrowthRatio: 0.5, ...options.capacity };
  }

  /**
   * Starts sampling on the policy's interval. The first sample is taken at once. Idempotent. Until
   * `stop()` the process stays alive, as with a server's `listen()`; see
   * {@link StorageAutoscalerOptions.keepAlive} to opt out.
   */
  start(): void {
    if (this.state === 'running') return;
    if (this.state === 'stopping') throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', 'start() called while stop() is still running.', { hint: 'Await stop() first.' });
    this.state = 'running';
    this.abort = new AbortController();
    this.schedule(0);
  }

  /**
   * Stops sampling. Graceful: resolves once an operation in flight has finished. With `abandon`, the
   * operation's waits are aborted instead, and the provisioner cleans up what it created.
   */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (options.abandon) this.abort.abort(new EbsAutoscaleError('autoscaler', 'ABORTED', 'The autoscaler was stopped.'));
    await this.inFlight?.catch(() => undefined);
    this.state = 'stopped';
  }

  /**
   * One sample-and-decide step, scaling when the policy says so, resolving when all of it is done.
   * For embedding and tests; `start()` calls it on the interval. Never throws: problems are events.
   */
  evaluate(): Promise<EvaluationResult> {
    if (this.inFlight) return Promise.resolve({ skipped: 'busy' });
    const run = this.evaluateOnce().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  /** What the autoscaler knows now. No I/O: usage is the last sample's. */
  status(): AutoscalerStatus {
    return {
      state: this.state,
      scaling: this.scaling,
      mountPoint: this.driver.mountPoint,
      driver: this.driver.name,
      provisioner: this.provisioner.name,
      policy: this.policy.name,
      intervalMs: this.policy.intervalMs,
      limits: this.policy.limits,
      usage: this.lastUsage,
      worst: this.lastWorst,
      devices: [...this.deviceList],
      volumes: [...this.volumes],
      addedVolumes: this.volumes.length,
      addedGiB: this.addedGiB(),
      lastDecision: this.lastDecision,
      lastDecisionAt: this.lastDecisionAt,
      consecutiveFailures: this.consecutiveFailures,
      retryAt: this.retryAt,
      limitReached: this.limitReached,
      readOnly: this.readOnly,
      keptVolumes: [...this.kept],
    };
  }

  /** Read through a method so TypeScript does not narrow `state` across awaits. */
  private isStopping(): boolean {
    return this.state === 'stopping';
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        if (this.state !== 'running') return;
        void this.evaluate().then(() => {
          if (this.state === 'running') this.schedule(this.policy.intervalMs);
        });
      },
      delayMs,
      { keepAlive: this.keepAlive },
    );
  }

  private async evaluateOnce(): Promise<EvaluationResult> {
    if (this.state === 'stopping') return { skipped: 'stopped' };
    if (!(await this.initialise())) return { skipped: 'init-failed' };
    if (this.pendingGrowth) await this.finishPendingGrowth(this.pendingGrowth);
    const usage = await this.sample();
    if (!usage) return { skipped: 'sample-failed' };
    if (this.noteReadOnly(usage)) return { skipped: 'read-only' };
    const now = this.clock.now();
    const decision = this.policy.decide({ now, samples: this.samples, state: this.scalingState() });
    this.lastDecision = decision;
    this.lastDecisionAt = now;
    this.noteThreshold(decision);
    if (decision.action !== 'none') this.emit('decision', { at: now, decision });
    if (decision.action === 'none') {
      this.limitReached = undefined;
      return { decision };
    }
    if (decision.action === 'limit') {
      this.reportLimit(decision.limit, decision);
      return { decision };
    }
    if (this.retryAt !== undefined && now < this.retryAt) return { decision, skipped: 'backoff' };
    const caps = this.driver.capabilities;
    if (!caps.addDevice && !(caps.growInPlace && this.provisioner.resize && this.driver.growInPlace)) {
      this.reportLimit('cannot-grow', decision);
      return { decision };
    }
    if (this.isStopping()) return { decision, skipped: 'stopped' };
    return { decision, scaled: await this.scale(decision, usage) };
  }

  private async initialise(): Promise<boolean> {
    if (this.initialised) return true;
    try {
      this.deviceList = await this.driver.devices();
      this.volumes = await this.provisioner.list();
      this.initialised = true;
    } catch (error) {
      this.reportError(error, 'initialise: listing devices and owned volumes');
      return false;
    }
    // A volume an earlier run enlarged may still carry a smaller filesystem (stopped between ModifyVolume
    // and resize2fs): grow onto it now, since asking EBS again would spend one of the four modifications
    // it allows a volume in 24 hours. Growing a filesystem that already fills its device does nothing
    // (resize2fs: "Nothing to do", exit 0).
    if (!this.driver.capabilities.addDevice && this.driver.capabilities.growInPlace && this.driver.growInPlace) {
      await this.driver.growInPlace().catch((error: unknown) => this.reportError(error, 'initialise: growing the filesystem onto its enlarged volume'));
    }
    return true;
  }

  /**
   * Grows the filesystem onto a volume already enlarged and clears the pending growth once the
   * capacity shows it, whatever the policy decides now: the capacity is paid for. Failures are reported
   * and left for the next evaluation.
   */
  private async finishPendingGrowth(pending: PendingGrowth): Promise<void> {
    try {
      await this.driver.growInPlace!();
      const usage = await this.driver.usage();
      if (usage.totalBytes >= this.grownCapacity(pending)) this.pendingGrowth = undefined;
    } catch (error) {
      this.reportError(error, `growing ${this.driver.mountPoint} onto ${pending.volumeId}, enlarged by ${pending.addedGiB} GiB`);
    }
  }

  /** The capacity at which a growth counts as done: the size before it plus the growth ratio of what it added. */
  private grownCapacity(growth: { fromTotalBytes: number; addedGiB: number }): number {
    return growth.fromTotalBytes + this.capacity.minGrowthRatio * growth.addedGiB * GIB;
  }

  private async sample(): Promise<UsageSnapshot | undefined> {
    try {
      const usage = await this.driver.usage();
      const at = this.clock.now();
      const worst = worstGauge(usage);
      this.lastUsage = usage;
      this.lastWorst = worst;
      this.samples.push({ at, totalBytes: usage.totalBytes, usedBytes: usage.usedBytes, availableBytes: usage.availableBytes, worstPercent: worst.usedPercent, worstKind: worst.kind });
      const keepFrom = at - Math.max(this.policy.historySeconds, 0) * 1000;
      while (this.samples.length > 1 && this.samples[0]!.at < keepFrom) this.samples.shift();
      this.emit('usage:sample', { at, usage, worst });
      return usage;
    } catch (error) {
      this.reportError(error, 'usage sample');
      return undefined;
    }
  }

  private async scale(decision: Extract<Decision, { action: 'scale' }>, before: UsageSnapshot): Promise<'complete' | 'failed'> {
    const operationId = ++this.operationId;
    const started = this.clock.now();
    const sizeGiB = decision.sizeGiB;
    let stage: ScaleStage = 'provision';
    this.scaling = true;
    this.emit('scale:start', { at: started, operationId, sizeGiB, trigger: decision.trigger, before });
    try {
      let volumeId: string;
      let device: string;
      let addedGiB = sizeGiB;
      let fromTotalBytes = before.totalBytes;
      let regrow: (() => Promise<void>) | undefined;
      if (this.driver.capabilities.addDevice) {
        const volume = await this.provisioner.provision({ sizeGiB, signal: this.abort.signal });
        ({ volumeId, device } = volume);
        this.volumes.push({ volumeId, sizeGiB: volume.sizeGiB, state: 'in-use', device, deleteOnTermination: true });
        this.emit('volume:provisioned', { at: this.clock.now(), operationId, volume, durationMs: this.clock.now() - started });
        stage = 'extend';
        await this.extendOrRelease(volumeId, device);
      } else {
        ({ volumeId, device, addedGiB, fromTotalBytes } = await this.growInPlace(sizeGiB, before.totalBytes, (s) => (stage = s)));
        // The device's new size can reach the kernel after EBS reports the modification (in the VM's
        // simulator, 50–290 ms later): a grow that ran too early found nothing to do, so grow again
        // while waiting. resize2fs on a filesystem that already fills its device does nothing.
        regrow = () => this.driver.growInPlace!();
      }
      this.emit('device:added', { at: this.clock.now(), operationId, device, volumeId, durationMs: this.clock.now() - started });
      stage = 'capacity';
      this.deviceList = await this.driver.devices();
      const after = await this.waitForCapacity(this.grownCapacity({ fromTotalBytes, addedGiB }), regrow);
      this.pendingGrowth = undefined;
      const durationMs = this.clock.now() - started;
      this.leadTimes = [...this.leadTimes, durationMs / 1000].slice(-5);
      this.consecutiveFailures = 0;
      this.retryAt = undefined;
      this.emit('scale:complete', { at: this.clock.now(), operationId, volumeId, device, sizeGiB: addedGiB, beforeTotalBytes: before.totalBytes, afterTotalBytes: after.totalBytes, durationMs });
      return 'complete';
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.consecutiveFailures += 1;
      const retryAt = this.clock.now() + backoffDelay(this.consecutiveFailures, this.retry);
      this.retryAt = retryAt;
      this.emit('scale:failed', { at: this.clock.now(), operationId, stage, error, consecutiveFailures: this.consecutiveFailures, retryAt });
      return 'failed';
    } finally {
      this.scaling = false;
    }
  }

  /**
   * Handles what a crash left outside the filesystem (see {@link adoptStrays}): on this autoscaler's
   * clock, with a `volume:kept` event for each volume it could not prove unused, which `status()` then
   * lists. Call it once after `driver.prepare()` and before `start()`.
   *
   * @example
   * ```ts
   * await provisioner.reconcile?.();
   * await driver.prepare();
   * const { adopted, released, kept } = await autoscaler.adoptStrays({ orphans: 'delete' });
   * ```
   */
  async adoptStrays(options: AdoptStraysOptions): Promise<StrayReport> {
    const report = await adoptStrays(
      { driver: this.driver, provisioner: this.provisioner, clock: this.clock, onAddFailed: (volume, error) => this.reportError(error, `adding the stray volume ${volume.volumeId}`) },
      options,
    );
    for (const kept of report.kept) this.keep(kept);
    return report;
  }

  /**
   * Adds the device; when the driver refuses or fails, releases the volume so that nothing leaks, but
   * only when it is proven not to hold the filesystem (a failed `btrfs device add` may have got far).
   */
  private async extendOrRelease(volumeId: string, device: string): Promise<void> {
    try {
      await this.driver.extend(device);
    } catch (error) {
      try {
        const kept = await releaseIfUnused(this.driver, this.provisioner, { volumeId, device });
        if (kept) this.keep(kept);
        else this.volumes = this.volumes.filter((volume) => volume.volumeId !== volumeId);
      } catch (releaseError) {
        this.reportError(releaseError, `releasing ${volumeId} after a failed extend`);
      }
      throw error;
    }
  }

  private keep(kept: KeptVolume): void {
    this.kept = [...this.kept.filter((entry) => entry.volumeId !== kept.volumeId), kept];
    this.emit('volume:kept', { at: this.clock.now(), ...kept });
  }

  /**
   * Grows the owned volume under the filesystem by `sizeGiB`, then the filesystem. A growth already
   * paid for comes first: one left pending by an earlier attempt, or one EBS accepted although the
   * attempt failed while waiting for it (the provisioner lists the volume larger than we knew).
   */
  private async growInPlace(sizeGiB: number, totalBytes: number, setStage: (stage: ScaleStage) => void): Promise<PendingGrowth> {
    const devices = new Set(this.deviceList);
    if (this.pendingGrowth && !devices.has(this.pendingGrowth.device)) this.pendingGrowth = undefined;
    const target = this.volumes.find((volume) => volume.device !== undefined && devices.has(volume.device));
    if (!this.pendingGrowth) {
      if (!target?.device) {
        throw new DriverError(this.driver.name, 'CANNOT_GROW', `No volume owned by the ${this.provisioner.name} provisioner backs ${this.driver.mountPoint}, so it cannot be grown in place.`, {
          hint: 'Create the initial volume through the provisioner (so it is owned), or use a driver that adds devices.',
        });
      }
      const listed = (await this.provisioner.list()).find((volume) => volume.volumeId === target.volumeId);
      let newSize = target.sizeGiB + sizeGiB;
      if (listed && listed.sizeGiB > target.sizeGiB) {
        newSize = listed.sizeGiB;
      } else {
        setStage('resize');
        await this.provisioner.resize!(target.volumeId, newSize);
      }
      this.volumes = this.volumes.map((volume) => (volume === target ? { ...volume, sizeGiB: newSize } : volume));
      this.pendingGrowth = { volumeId: target.volumeId, device: target.device, addedGiB: newSize - target.sizeGiB, fromTotalBytes: totalBytes };
    }
    setStage('grow');
    await this.driver.growInPlace!();
    return this.pendingGrowth;
  }

  /** Polls usage until the capacity reaches `expectedTotalBytes`, running `regrow` before each poll after the first. */
  private async waitForCapacity(expectedTotalBytes: number, regrow?: () => Promise<void>): Promise<UsageSnapshot> {
    const deadline = this.clock.now() + this.capacity.timeoutMs;
    for (let poll = 0; ; poll += 1) {
      if (poll > 0) await regrow?.();
      const usage = await this.driver.usage();
      if (usage.totalBytes >= expectedTotalBytes) return usage;
      if (this.clock.now() >= deadline) {
        throw new EbsAutoscaleError('autoscaler', 'TIMEOUT', `${this.driver.mountPoint} still reports ${usage.totalBytes} bytes, expected at least ${Math.round(expectedTotalBytes)} after the extend.`, {
          hint: 'Check the driver: the device was added but the filesystem did not grow.',
          retryable: true,
        });
      }
      await sleep(this.clock, this.capacity.pollMs, this.abort.signal);
    }
  }

  /** Tracks the mount's read-only flag, emitting on each change; true while it is read-only. */
  private noteReadOnly(usage: UsageSnapshot): boolean {
    const readOnly = usage.readOnly === true;
    if (readOnly !== this.readOnly) {
      this.readOnly = readOnly;
      this.emit(readOnly ? 'mount:read-only' : 'mount:writable', { at: this.clock.now(), mountPoint: this.driver.mountPoint, usage });
    }
    return readOnly;
  }

  private noteThreshold(decision: Decision): void {
    const gauge = this.lastWorst;
    if (!gauge) return;
    const above = decision.worstPercent >= decision.thresholdPercent;
    if (above !== this.above) {
      this.above = above;
      this.emit('threshold:crossed', { at: this.clock.now(), direction: above ? 'above' : 'below', gauge, thresholdPercent: decision.thresholdPercent });
    }
  }

  private reportLimit(limit: LimitKind, decision: Decision): void {
    if (this.limitReached === limit) return;
    this.limitReached = limit;
    this.emit('limit:reached', { at: this.clock.now(), limit, worstPercent: decision.worstPercent, thresholdPercent: decision.thresholdPercent });
  }

  private reportError(thrown: unknown, context: string): void {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    this.emit('error', { at: this.clock.now(), error, context });
  }

  private scalingState(): ScalingState {
    return {
      addedVolumes: this.volumes.length,
      addedGiB: this.addedGiB(),
      attachedVolumes: Math.max(1, this.deviceList.length),
      recentLeadTimesSeconds: this.leadTimes,
    };
  }

  private addedGiB(): number {
    return this.volumes.reduce((sum, volume) => sum + volume.sizeGiB, 0);
  }
}
