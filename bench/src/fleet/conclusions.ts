import type { BucketLimit } from '@ebs-autoscale/ec2-sim';
import { scheduleDelay, type RetrySchedule } from '@ebs-autoscale/provisioner-ebs';
import type { FleetAction } from './account.js';
import type { FleetResult } from './run.js';

/** One configuration of ours at one fleet size: what it measured and the API retry schedule it ran with. */
export interface OursRun {
  readonly result: FleetResult;
  readonly apiRetry: RetrySchedule;
}

/** What {@link fleetConclusions} compares: ours with the shipped budget and with the previous one, same fleet. */
export interface ConclusionInput {
  /** CreateVolume's bucket, for the floor EC2 sets on the whole wave. */
  readonly createVolume: BucketLimit;
  readonly ours: OursRun;
  readonly previous: OursRun;
}

/**
 * The report's closing paragraph, written from the run rather than by hand, so it cannot go on
 * claiming what an earlier run showed: the floor is arithmetic on CreateVolume's bucket, every other
 * figure is read from the two results. Wrapped at `width` columns like the rest of the report.
 */
export function fleetConclusions(input: ConclusionInput, width = 118): string {
  const { ours, previous } = input;
  if (ours.result.agents !== previous.result.agents)
    throw new Error(`fleetConclusions: compare one fleet size, got ${ours.result.agents} and ${previous.result.agents} agents.`);
  const agents = ours.result.agents;
  return wrap([floorSentence(agents, input.createVolume, ours.result), diskSentence(ours.result), budgetSentence(ours, previous)].join(' '), width);
}

function floorSentence(agents: number, bucket: BucketLimit, ours: FleetResult): string {
  const floorSeconds = Math.max(0, agents - bucket.capacity) / bucket.refillPerSecond;
  const oursLast =
    ours.withoutCapacity > 0
      ? `ours left ${count(ours.withoutCapacity)} agents without capacity at the horizon`
      : `ours gave the last agent capacity ${ours.lastCapacityAt.toFixed(0)} s after the wave started`;
  if (floorSeconds === 0)
    return `${count(agents)} CreateVolume calls fit in its bucket's burst of ${bucket.capacity}, so EC2's limit sets no floor on this wave; ${oursLast}.`;
  return (
    `The floor set by EC2 itself: ${count(agents)} CreateVolume calls at ${bucket.refillPerSecond} per second after a burst of ` +
    `${bucket.capacity} take at least ${floorSeconds.toFixed(0)} s, so no client can give the last agent of this wave capacity ` +
    `in less than ${duration(floorSeconds)}; ${oursLast}.`
  );
}

function diskSentence(ours: FleetResult): string {
  return ours.ranOutOfSpace === 0
    ? `No agent's disk filled before ours gave it capacity.`
    : `${count(ours.ranOutOfSpace)} of the ${count(ours.agents)} agents' disks still filled before ours gave them capacity.`;
}

function budgetSentence(ours: OursRun, previous: OursRun): string {
  const [o, p] = [ours.result, previous.result];
  const calls = (r: FleetResult, action: FleetAction) => count(r.callsByAction[action] ?? 0);
  const throttled = (r: FleetResult, action: FleetAction) => count(r.throttledByAction[action] ?? 0);
  const ratio = o.totalCalls === 0 ? '' : ` (${(p.totalCalls / o.totalCalls).toFixed(1)}× ours)`;
  return (
    `With the previous API retry budget (${budget(previous.apiRetry)}) ${failures(p)}, and it made ${count(p.totalCalls)} EC2 calls${ratio}: ` +
    `${calls(p, 'DescribeInstances')} DescribeInstances limit checks to ours' ${calls(o, 'DescribeInstances')}, ` +
    `and ${throttled(p, 'DescribeVolumes')} throttled DescribeVolumes to ours' ${throttled(o, 'DescribeVolumes')}; ` +
    `with ours (${budget(ours.apiRetry)}) ${failures(o)}.`
  );
}

function failures(r: FleetResult): string {
  if (r.agentsWithFailures === 0) return 'no agent failed a scale-up';
  return (
    `${count(r.agentsWithFailures)} of ${count(r.agents)} agents failed a scale-up at least once (${count(r.failedAttempts)} failed scale-ups, ` +
    `${count(r.wastedVolumes)} volumes created and deleted again, ${count(r.leakedVolumes)} left behind)`
  );
}

/** "8 retries capped at 20 s, ~72 s in all": the delays without jitter, as p-retry would sleep them. */
function budget(schedule: RetrySchedule): string {
  let totalMs = 0;
  // random() = 0.5 makes scheduleDelay's jitter term zero.
  for (let n = 1; n <= schedule.retries; n += 1) totalMs += scheduleDelay(schedule, n, () => 0.5);
  return `${schedule.retries} retries capped at ${schedule.maxDelayMs / 1000} s, ${duration(totalMs / 1000)} in all before jitter`;
}

function duration(seconds: number): string {
  return seconds < 120 ? `~${seconds.toFixed(0)} s` : `~${(seconds / 60).toFixed(0)} minutes`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Greedy wrap at spaces, except the one between a figure and its unit ("1160 s", "~16 minutes"). */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ (?!(?:s|minutes)\b)/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
