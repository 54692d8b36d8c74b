import { EbsAutoscaleError, GIB, MIB } from '@ebs-autoscale/core';
import type { RunHooks } from './run.js';
import { traceFromIntervals, type Trace } from './workloads.js';

/**
 * The step of issue 16: a workflow step that knows its size before it starts (a download of its
 * inputs), on a disk a previous step left partly full. `usedGiB` are on the 100 GiB disk when the run
 * starts; for `quietSeconds` the step sets up (1 MiB/s), then it downloads `gib` at `mibPerSecond`,
 * then it computes on the data and holds it for 30 minutes.
 */
export interface StepShape {
  readonly usedGiB: number;
  readonly quietSeconds: number;
  readonly gib: number;
  readonly mibPerSecond: number;
}

/** 300 GiB at 1 GiB/s onto a 100 GiB disk with 60 GiB on it: the example. */
export const DOWNLOAD_STEP: StepShape = { usedGiB: 60, quietSeconds: 120, gib: 300, mibPerSecond: 1000 };

const HOLD_SECONDS = 1800;
const SETUP_RATE = 1 * MIB;

const stepName = (step: StepShape) => `step ${step.gib} GiB at ${step.mibPerSecond} MiB/s`;

/** The step unannounced: it writes at `quietSeconds`, and the autoscaler learns of it from the fill. */
export function unannouncedStep(step: StepShape = DOWNLOAD_STEP): Trace {
  const writeEnd = step.quietSeconds + (step.gib * GIB) / (step.mibPerSecond * MIB);
  return traceFromIntervals(
    `${stepName(step)}, unannounced`,
    `${step.gib} GiB at ${step.mibPerSecond} MiB/s onto a 100 GiB disk holding ${step.usedGiB} GiB, unannounced`,
    writeEnd + HOLD_SECONDS,
    [
      { start: 0, end: step.quietSeconds, rate: SETUP_RATE },
      { start: step.quietSeconds, end: writeEnd, rate: step.mibPerSecond * MIB },
    ],
  );
}

/** What the announced step saw of its reservation. */
export interface AnnouncedOutcome {
  /** Seconds from `reserve()` to the grant, when granted. */
  waitedSeconds?: number;
  /** The refusal's message, when refused. */
  refused?: string;
}

/**
 * The same step announced: at `quietSeconds` it calls `autoscaler.reserve()` for its size and starts
 * writing only once granted; it releases the reservation when its download ends (README: "Release it
 * when the step is done"; the reservation counts in full while its holder writes into it). The run
 * goes on for the seconds the step waited, so each variant holds its data the same 30 minutes. The
 * baseline cannot be asked, so it is not run on this trace.
 */
export function announcedStep(step: StepShape = DOWNLOAD_STEP): { trace: Trace; hooks: RunHooks; outcome: AnnouncedOutcome } {
  const writeSeconds = (step.gib * GIB) / (step.mibPerSecond * MIB);
  const trace = traceFromIntervals(
    `${stepName(step)}, announced`,
    `the same step, reserving ${step.gib} GiB before it writes`,
    step.quietSeconds + writeSeconds + HOLD_SECONDS,
    [{ start: 0, end: step.quietSeconds, rate: SETUP_RATE }],
  );
  const outcome: AnnouncedOutcome = {};
  const hooks: RunHooks = {
    started: ({ clock, model, autoscaler }) => {
      clock.setTimeout(() => {
        const asked = clock.now();
        autoscaler.reserve({ bytes: step.gib * GIB, holder: 'download-step' }).then(
          (reservation) => {
            const start = clock.now() / 1000;
            outcome.waitedSeconds = (clock.now() - asked) / 1000;
            model.scheduleWrite(start, start + writeSeconds, step.mibPerSecond * MIB);
            clock.setTimeout(() => reservation.release(), writeSeconds * 1000);
          },
          (error: unknown) => {
            outcome.refused = error instanceof EbsAutoscaleError ? `${error.code}: ${error.message}` : String(error);
          },
        );
      }, step.quietSeconds * 1000);
    },
    lateBySeconds: () => outcome.waitedSeconds ?? 0,
  };
  return { trace, hooks, outcome };
}
