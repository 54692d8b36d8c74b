import type { StorageAutoscalerOptions } from './autoscaler-options.js';
import type { AutoscalerStatus, EvaluationResult } from './autoscaler-status.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { EbsAutoscaleError } from './errors.js';
import { IsolatedEventEmitter, type AutoscalerEvents, type ScaleStage } from './events.js';
import type { FilesystemDriver } from './filesystem-driver.js';
import { CapacityWait } from './growth/capacity-wait.js';
import { chooseGrowth } from './growth/choose-growth.js';
import type { GrowthContext, GrowthStrategy } from './growth/strategy.js';
import { Inventory } from './inventory.js';
import { checkPlugIns } from './plug-in-check.js';
import { createPredictivePolicy } from './policy/predictive-policy.js';
import { addableGiB } from './policy/limits.js';
import type { Decision, LimitKind, ScalingPolicy, ScalingState, UsageSample } from './policy/policy.js';
import { planReclaim } from './reclaim/reclaim-plan.js';
import { checkReclaimers, ReclaimRounds } from './reclaim/reclaim-round.js';
import { recover, type RecoveryOptions, type RecoveryReport } from './recovery/recover.js';
import type { KeptVolume } from './release-guard.js';
import type { Reservation, ReservationInfo, ReservationRequest } from './reservations/reservation.js';
import { ReservationDesk, type DecisionRecord } from './reservations/reservation-desk.js';
import { CapacityChanges } from './capacity-changes.js';
import { removeAndRelease, shrinkCandidate } from './shrink/remove-device.js';
import { watchRemoval } from './shrink/removal-watch.js';
import { decideShrink, fillDuringRemoval, type ShrinkRule } from './shrink/shrink-decision.js';
import { GIB } from './units.js';
import { worstGauge, type PressureGauge, type UsageSnapshot } from './usage.js';
import type { VolumeProvisioner } from './volume-provisioner.js';

/**
 * Grows a mount point while it is in use. On an interval it samples the driver's usage, asks the
 * policy, and when the policy says so grows the filesystem through the growth strategy the driver and
 * the provisioner allow (adding a device, or growing the volume in place), then waits until the
 * filesystem shows the new capacity; one operation at a time. Failures are reported as events and
 * retried with backoff; nothing is thrown out of the loop. Its first evaluation starts with crash
 * recovery ({@link StorageAutoscaler.recover}) unless that already ran.
 *
 * @example
 * ```ts
 * import { StorageAutoscaler } from '@ebs-autoscale/core';
 * const autoscaler = new StorageAutoscaler({ driver, provisioner });
 * autoscaler.on('scale:complete', (e) => console.log(`+${e.sizeGiB} GiB in ${e.durationMs} ms`));
 * await autoscaler.recover(); // after driver.prepare(): what a crash left (else the first evaluation does it)
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
  private readonly recoveryOptions: RecoveryOptions;
  private readonly capacity: CapacityWait;
  /** How this autoscaler grows, chosen once from the plug-ins' methods; undefined when it cannot. */
  private readonly growth: GrowthStrategy | undefined;
  private readonly inventory = new Inventory();
  private readonly desk: ReservationDesk;
  private readonly reclaim: ReclaimRounds;

  private state: AutoscalerStatus['state'] = 'stopped';
  private timer: TimerHandle | undefined;
  private inFlight: Promise<EvaluationResult> | undefined;
  private recovering: Promise<RecoveryReport> | undefined;
  private recovered = false;
  private scaling = false;
  private abort = new AbortController();
  private initialised = false;
  private samples: UsageSample[] = [];
  private readonly shrinkRule: ShrinkRule | undefined;
  private readonly changes = new CapacityChanges();
  private lastUsage: UsageSnapshot | undefined;
  private lastWorst: PressureGauge | undefined;
  private lastDecision: Decision | undefined;
  private lastDecisionAt: number | undefined;
  private above = false;
  private limitReached: LimitKind | undefined;
  private readOnly = false;
  private leadTimes: number[] = [];
  private consecutiveFailures = 0;
  private retryAt: number | undefined;
  private operationId = 0;
  /** The last decision of the evaluation in flight, which the reservation desk settles by. */
  private decisionRecord: DecisionRecord | undefined;

  constructor(options: StorageAutoscalerOptions) {
    const clock = options.clock ?? systemClock;
    super(() => clock.now());
    checkPlugIns(options.driver, options.provisioner);
    this.driver = options.driver;
    this.provisioner = options.provisioner;
    this.policy = options.policy ?? createPredictivePolicy();
    this.clock = clock;
    this.keepAlive = options.keepAlive ?? true;
    this.retry = options.retry ?? {};
    this.recoveryOptions = options.recovery ?? {};
    this.capacity = new CapacityWait(this.driver, clock, options.capacity);
    this.growth = chooseGrowth(this.growthContext(), options.hybridGrowth ? { hybrid: { maxVolumeGiB: this.policy.limits.maxVolumeGiB, clock } } : {});
    this.shrinkRule = options.shrink;
    checkReclaimers(options.reclaimers ?? []);
    const emit = this.emit.bind(this) as ReclaimRounds['emit'];
    this.reclaim = new ReclaimRounds([...(options.reclaimers ?? [])], clock, options.reclaim ?? {}, emit);
    this.desk = new ReservationDesk({
      clock,
      emit,
      intervalMs: this.policy.intervalMs,
      evaluateNow: () => this.evaluateNow(),
      addableBytes: () => (this.growth ? addableGiB(this.policy.limits, this.scalingState()) * GIB : 0),
      retryAt: () => this.retryAt,
    });
  }

  /**
   * Reserves `bytes` for a job about to write them, and resolves once the free space covers every
   * active reservation plus the policy's headroom: the reserved bytes count as demand at once, so the
   * policy grows for them (at the next evaluation, which `reserve()` starts itself, in as few volumes
   * as the limits allow; never beside a scale-up in flight). It rejects with an `EbsAutoscaleError`:
   * `INVALID_ARGUMENT` for a bad request, `LIMIT_REACHED` when the limits cannot cover it, `ABORTED`
   * when `signal` aborts or the autoscaler stops while it waits. A granted reservation counts until
   * `release()` or its expiry (`ttlMs` after the grant, on the autoscaler's clock). Events:
   * `reservation:granted`, `reservation:released`, `reservation:expired`, `reservation:refused`.
   *
   * @example
   * ```ts
   * const reservation = await autoscaler.reserve({ bytes: 300 * GIB, holder: 'align-42', ttlMs: 6 * 3600_000 });
   * try {
   *   await runStep(); // writes up to 300 GiB
   * } finally {
   *   reservation.release();
   * }
   * ```
   */
  reserve(request: ReservationRequest): Promise<Reservation> {
    if (this.state === 'stopping') {
      return Promise.reject(
        new EbsAutoscaleError('reservations', 'ABORTED', `No reservation for "${String(request.holder)}": the autoscaler is stopping.`, {
          hint: 'Reserve again once the agent runs.',
        }),
      );
    }
    return this.desk.reserve(request);
  }

  /** Ends an active reservation by id (waiting ones are withdrawn); true when this call ended it. */
  releaseReservation(id: string): boolean {
    return this.desk.release(id);
  }

  /** The active reservations, waiting and granted, oldest first. No I/O. */
  reservations(): ReservationInfo[] {
    return this.desk.book.list();
  }

  /**
   * Starts sampling on the policy's interval. The first sample is taken at once. Idempotent. Until
   * `stop()` the process stays alive, as with a server's `listen()`; see
   * {@link StorageAutoscalerOptions.keepAlive} to opt out.
   */
  start(): void {
    if (this.state === 'running') return;
    if (this.state === 'stopping')
      throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', 'start() called while stop() is still running.', { hint: 'Await stop() first.' });
    this.state = 'running';
    this.abort = new AbortController();
    this.schedule(0);
  }

  /**
   * Stops sampling. Graceful: resolves once an operation in flight has finished. With `abandon`, the
   * operation's waits are aborted instead, and the provisioner cleans up what it created.
   */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    this.desk.stopAll();
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (options.abandon) this.abort.abort(new EbsAutoscaleError('autoscaler', 'ABORTED', 'The autoscaler was stopped.'));
    await this.inFlight?.catch(() => undefined);
    await this.reclaim.inFlight;
    this.state = 'stopped';
  }

  /**
   * One sample-and-decide step, scaling when the policy says so, resolving when all of it is done.
   * For embedding and tests; `start()` calls it on the interval. Never throws: problems are events.
   */
  evaluate(): Promise<EvaluationResult> {
    if (this.inFlight) return Promise.resolve({ skipped: 'busy' });
    this.decisionRecord = undefined;
    const run = this.evaluateOnce().finally(() => {
      this.inFlight = undefined;
      const record = this.decisionRecord;
      this.decisionRecord = undefined;
      if (record) this.desk.settle(record);
    });
    this.inFlight = run;
    return run;
  }

  /**
   * Crash recovery, as one step: the provisioner's reconcile (volumes a crash left unattached, a
   * missing DeleteOnTermination), then the strays (owned, attached volumes outside the filesystem:
   * adopted with `orphans: attach`, otherwise released only when proven unused, else kept and
   * reported as `volume:kept`), then the growth strategy's own recovery (grow-in-place grows onto a
   * volume an earlier run enlarged but stopped before growing onto). On this autoscaler's clock; ends
   * with `recovery:complete`. Throws when the reconcile does (the cloud's state is then unknown).
   *
   * It is a step of its own, not hidden in `start()`, because it needs the filesystem prepared (a
   * stray is judged by the kernel's view of the mounted filesystem) and an embedder wants to know it
   * is done, or failed, before it reports itself ready. Every embedder gets it anyway: the first
   * evaluation runs it (with {@link StorageAutoscalerOptions.recovery}) unless it already ran, and
   * reports a failure as an `error` event and tries again at the next evaluation. Options passed here
   * override the constructor's. A call while one is running joins it.
   *
   * @example
   * ```ts
   * await driver.prepare();
   * const { reconcile, strays } = await autoscaler.recover({ orphans: 'delete' });
   * autoscaler.start();
   * ```
   */
  recover(options: RecoveryOptions = {}): Promise<RecoveryReport> {
    this.recovering ??= this.recoverNow({ ...this.recoveryOptions, ...options }).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  /** What the autoscaler knows now. No I/O: usage is the last sample's. */
  status(): AutoscalerStatus {
    const { inventory } = this;
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
      devices: [...inventory.devices],
      volumes: [...inventory.volumes],
      addedVolumes: inventory.volumes.length,
      addedGiB: inventory.ownedGiB(),
      lastDecision: this.lastDecision,
      lastDecisionAt: this.lastDecisionAt,
      consecutiveFailures: this.consecutiveFailures,
      retryAt: this.retryAt,
      limitReached: this.limitReached,
      readOnly: this.readOnly,
      keptVolumes: [...inventory.kept],
      reservations: this.desk.book.list(),
      reservedBytes: this.desk.book.reservedBytes(),
      reclaimers: this.reclaim.reclaimers.map((reclaimer) => reclaimer.name),
      reclaimedBytes: this.reclaim.totalFreedBytes,
      ...(this.growth ? { growth: this.growth.name } : {}),
      inPlaceGrowths: this.changes.inPlaceGrowths(),
      removals: this.changes.removalCounts(),
    };
  }

  /** One evaluation after the one in flight, if any: the reservation desk's way in, never a second at once. */
  private async evaluateNow(): Promise<EvaluationResult> {
    for (;;) {
      const running = this.inFlight;
      if (!running) return this.evaluate();
      await running;
    }
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

  /** sample → decide → reclaim → grow → confirm → emit. */
  private async evaluateOnce(): Promise<EvaluationResult> {
    if (this.state === 'stopping') return { skipped: 'stopped' };
    if (!(await this.initialise())) return { skipped: 'init-failed' };
    await this.growth?.resume?.();
    let usage = await this.sample();
    if (!usage) return { skipped: 'sample-failed' };
    if (this.noteReadOnly(usage)) return { skipped: 'read-only' };
    let decision = this.decide(usage);
    const candidate = planReclaim(decision, this.policy.limits, this.reclaim.budgetMs, this.policy.intervalMs);
    const plan = candidate && this.reclaim.ready(candidate.mode) ? candidate : undefined;
    let reclaimedBytes: number | undefined;
    if (plan?.mode === 'alongside-provisioning') {
      // The time to full is short: the scale-up goes at once, the round runs beside it.
      void this.reclaim.run(plan, this.abort.signal);
    } else if (plan) {
      reclaimedBytes = await this.reclaim.run(plan, this.abort.signal);
      // Provision only what reclaiming did not free: decide again on a fresh sample.
      const after = reclaimedBytes > 0 ? await this.sample() : undefined;
      if (after && this.noteReadOnly(after)) return { skipped: 'read-only', reclaimedBytes };
      if (after) {
        usage = after;
        decision = this.decide(after);
      }
    }
    const result = await this.act(decision, usage);
    return reclaimedBytes === undefined ? result : { ...result, reclaimedBytes };
  }

  /** Asks the policy, with the reservations counted as demand, and records the decision. */
  private decide(usage: UsageSnapshot): Decision {
    const now = this.clock.now();
    this.desk.book.observe(usage.usedBytes);
    this.desk.refuseWhatCannotFit(usage.availableBytes);
    const reservedBytes = this.desk.book.reservedBytes();
    const waitingIds = this.desk.book.waiting().map((info) => info.id);
    const decision = this.policy.decide({ now, samples: this.samples, state: this.scalingState(), reservedBytes });
    this.lastDecision = decision;
    this.lastDecisionAt = now;
    this.decisionRecord = { decision, availableBytes: usage.availableBytes, reservedBytes, waitingIds };
    this.noteThreshold(decision);
    if (decision.action !== 'none') this.emit('decision', { at: now, decision });
    return decision;
  }

  /** What a decision leads to: nothing, a limit reported, a backoff waited out, or a scale-up. */
  private async act(decision: Decision, usage: UsageSnapshot): Promise<EvaluationResult> {
    const now = this.clock.now();
    if (decision.action === 'none') {
      this.limitReached = undefined;
      await this.shrinkIfQuiet(decision.thresholdPercent);
      return { decision };
    }
    if (decision.action === 'limit') {
      this.reportLimit(decision.limit, decision);
      return { decision };
    }
    if (this.retryAt !== undefined && now < this.retryAt) return { decision, skipped: 'backoff' };
    if (!this.growth) {
      this.reportLimit('cannot-grow', decision);
      return { decision };
    }
    if (this.isStopping()) return { decision, skipped: 'stopped' };
    return { decision, scaled: await this.scale(this.growth, decision, usage) };
  }

  /** Recovery unless it ran, then the first listing of devices and owned volumes. */
  private async initialise(): Promise<boolean> {
    if (this.initialised) return true;
    try {
      if (!this.recovered) await this.recover();
    } catch (error) {
      this.reportError(error, 'initialise: crash recovery (reconcile, strays, pending growth)');
      return false;
    }
    try {
      this.inventory.devices = await this.driver.devices();
      this.inventory.volumes = await this.provisioner.list();
      this.initialised = true;
      return true;
    } catch (error) {
      this.reportError(error, 'initialise: listing devices and owned volumes');
      return false;
    }
  }

  private async recoverNow(options: RecoveryOptions): Promise<RecoveryReport> {
    const report = await recover(
      {
        driver: this.driver,
        provisioner: this.provisioner,
        clock: this.clock,
        growth: this.growth,
        signal: this.abort.signal,
        keep: (kept) => this.keep(kept),
        onAddFailed: (volume, error) => this.reportError(error, `adding the stray volume ${volume.volumeId}`),
      },
      options,
    );
    this.recovered = true;
    this.emit('recovery:complete', { at: this.clock.now(), ...report });
    return report;
  }

  private async sample(): Promise<UsageSnapshot | undefined> {
    try {
      const usage = await this.driver.usage();
      const at = this.clock.now();
      const worst = worstGauge(usage);
      this.lastUsage = usage;
      this.lastWorst = worst;
      this.samples.push({
        at,
        totalBytes: usage.totalBytes,
        usedBytes: usage.usedBytes,
        availableBytes: usage.availableBytes,
        worstPercent: worst.usedPercent,
        worstKind: worst.kind,
      });
      // The shrink rule's quiet period is judged on the same samples, so they cover it too.
      const keepFrom = at - Math.max(this.policy.historySeconds * 1000, this.shrinkRule?.quietPeriodMs ?? 0, 0);
      while (this.samples.length > 1 && this.samples[0]!.at < keepFrom) this.samples.shift();
      this.emit('usage:sample', { at, usage, worst });
      return usage;
    } catch (error) {
      this.reportError(error, 'usage sample');
      return undefined;
    }
  }

  /** One scale-up: the strategy grows, the capacity wait confirms, the events report. */
  private async scale(growth: GrowthStrategy, decision: Extract<Decision, { action: 'scale' }>, before: UsageSnapshot): Promise<'complete' | 'failed'> {
    const operationId = ++this.operationId;
    const started = this.clock.now();
    const { sizeGiB } = decision;
    let stage: ScaleStage = 'provision';
    this.scaling = true;
    this.emit('scale:start', { at: started, operationId, sizeGiB, trigger: decision.trigger, before });
    // A growth onto a volume already under the filesystem was in place (ModifyVolume), not an added device.
    const members = new Set(this.inventory.members().map((volume) => volume.volumeId));
    try {
      const grown = await growth.grow({
        operationId,
        sizeGiB,
        before,
        signal: this.abort.signal,
        stage: (next) => (stage = next),
        provisioned: (volume) => this.emit('volume:provisioned', { at: this.clock.now(), operationId, volume, durationMs: this.clock.now() - started }),
      });
      const { volumeId, device } = grown;
      if (members.has(volumeId)) this.changes.noteInPlace(volumeId, started);
      this.emit('device:added', { at: this.clock.now(), operationId, device, volumeId, durationMs: this.clock.now() - started });
      stage = 'capacity';
      this.inventory.devices = await this.driver.devices();
      const after = await this.capacity.wait(grown, this.abort.signal, grown.regrow);
      growth.confirmed?.(grown);
      const durationMs = this.clock.now() - started;
      this.leadTimes = [...this.leadTimes, durationMs / 1000].slice(-5);
      this.consecutiveFailures = 0;
      this.retryAt = undefined;
      this.emit('scale:complete', {
        at: this.clock.now(),
        operationId,
        volumeId,
        device,
        sizeGiB: grown.addedGiB,
        beforeTotalBytes: before.totalBytes,
        afterTotalBytes: after.totalBytes,
        durationMs,
      });
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
   * Gives the newest added device back when `decideShrink()` says so: removed online by the driver,
   * then its volume released once proven unused. One operation, like a scale-up (`scaling` is set, so
   * nothing runs beside it); a fill that starts meanwhile (`fillDuringRemoval()`, sampled by
   * `watchRemoval()` since the loop waits) or `stop({ abandon })` cancels it, and the device stays.
   * After a shrink the samples restart: they described the larger filesystem.
   */
  private async shrinkIfQuiet(growThresholdPercent: number): Promise<void> {
    const { removeDevice } = this.driver;
    const rule = this.shrinkRule;
    if (!rule || !removeDevice || this.isStopping()) return;
    const candidate = shrinkCandidate(this.inventory, this.capacity.bytesPerGiB);
    const input = {
      now: this.clock.now(),
      samples: this.samples,
      growThresholdPercent,
      reservedBytes: this.desk.book.reservedBytes(),
      candidate,
      busy: this.scaling,
    };
    const decision = decideShrink(input, rule);
    if (decision.action !== 'shrink') return;
    const removal = { totalBytesBefore: this.samples.at(-1)?.totalBytes ?? 0, sizeBytes: decision.candidate.sizeBytes, growThresholdPercent };
    const watch = watchRemoval({
      clock: this.clock,
      intervalMs: this.policy.intervalMs,
      sample: () => this.driver.usage(),
      fillStarted: (sample) => fillDuringRemoval(removal, sample, rule),
      onError: (error) => this.reportError(error, 'usage sample during a removal'),
    });
    this.scaling = true;
    try {
      const context = { driver: this.driver, provisioner: this.provisioner, inventory: this.inventory, keep: (kept: KeptVolume) => this.keep(kept) };
      const signal = AbortSignal.any([watch.signal, this.abort.signal]);
      const outcome = await removeAndRelease(context, decision.candidate, (device, options) => removeDevice.call(this.driver, device, options), signal);
      this.changes.noteRemoval(outcome);
      this.emit('volume:removed', { at: this.clock.now(), volumeId: decision.candidate.volumeId, device: decision.candidate.device, outcome });
      if (outcome !== 'cancelled') this.samples = [];
    } catch (error) {
      this.reportError(error, `removing ${decision.candidate.device} (shrink)`);
    } finally {
      watch.stop();
      this.scaling = false;
    }
  }

  /** What growth strategies share with the loop. */
  private growthContext(): GrowthContext {
    return {
      driver: this.driver,
      provisioner: this.provisioner,
      inventory: this.inventory,
      capacity: this.capacity,
      keep: (kept) => this.keep(kept),
      reportError: (error, context) => this.reportError(error, context),
    };
  }

  private keep(kept: KeptVolume): void {
    this.inventory.keep(kept);
    this.emit('volume:kept', { at: this.clock.now(), ...kept });
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
      addedVolumes: this.inventory.addedVolumes(),
      addedGiB: this.inventory.ownedGiB(),
      attachedVolumes: Math.max(1, this.inventory.devices.length),
      recentLeadTimesSeconds: this.leadTimes,
    };
  }
}
