/**
 * amazon-ebs-autoscale's per-sample work, as a bash script. Modelled on its bin/ebs-autoscale
 * (awslabs/amazon-ebs-autoscale, commit 0a33890), whose main loop is:
 *
 * ```sh
 * while true; do
 *   STATS=$(df -BG  ${MOUNTPOINT} | grep -v Filesystem)
 *   TOTAL_SIZE=$(echo ${STATS} | awk '{print $2}')
 *   USED=$(echo ${STATS} | awk '{print $3}')
 *   AVAILABLE=$(echo ${STATS} | awk '{print $4}')
 *   PCT_UTILIZATION=$(echo ${STATS} | awk '{print $5}' | cut -d"%" -f1 -)
 *   if  [ $PCT_UTILIZATION -ge "${THRESHOLD}" ]; then
 *     ...add_space...
 *   fi
 *   if [ "${LOG_COUNT}" -ge "${LOG_INTERVAL}" ]; then
 *     logthis "Devices ${NUM_DEVICES} : Size ${TOTAL_SIZE} : ..."
 *     LOG_COUNT=0
 *   fi
 *   LOG_COUNT=$(expr $LOG_COUNT + 1 )
 *   sleep $DETECTION_INTERVAL
 * done
 * ```
 *
 * Kept verbatim per sample: the five command substitutions and their pipelines, the comparison, the
 * `expr` and the `sleep`. Left out, which makes the baseline cheaper than the real agent: the
 * `logthis` line every LOG_INTERVAL samples (it writes a log line), and `add_space` (nothing fills the
 * disk here). The real script runs under `#!/bin/sh`, which is bash on Amazon Linux.
 *
 * The loop runs a fixed number of samples instead of `while true`, so bash can report its own CPU
 * with `times` when it ends. It runs as PID 1 of a fresh PID namespace (`unshare --pid --fork`):
 * there PIDs are handed out in order, so the PID of the last subshell, minus the same PID from a run
 * of zero samples, is exactly the number of processes the samples created, however short-lived.
 */
export function baselineScript(samples: number, intervalSeconds: number): string {
  return `
MOUNTPOINT="$1"
THRESHOLD=50
LOG_INTERVAL=1000000
LOG_COUNT=0
DETECTION_INTERVAL=${intervalSeconds}
i=0
while [ $i -lt ${samples} ]; do
  STATS=$(df -BG  \${MOUNTPOINT} | grep -v Filesystem)
  TOTAL_SIZE=$(echo \${STATS} | awk '{print $2}')
  USED=$(echo \${STATS} | awk '{print $3}')
  AVAILABLE=$(echo \${STATS} | awk '{print $4}')
  PCT_UTILIZATION=$(echo \${STATS} | awk '{print $5}' | cut -d"%" -f1 -)
  if  [ $PCT_UTILIZATION -ge "\${THRESHOLD}" ]; then
    echo "LOW DISK"
  fi
  LOG_COUNT=$(expr $LOG_COUNT + 1 )
  sleep $DETECTION_INTERVAL
  i=$((i + 1))
done
echo TIMES
times
echo "LASTPID $(echo $BASHPID)"
`;
}

/** What the script prints at the end. */
export interface BaselineResult {
  /** bash's own CPU seconds and its children's (from `times`). */
  readonly selfSeconds: number;
  readonly childrenSeconds: number;
  /** PID of the final subshell in the script's PID namespace. */
  readonly lastPid: number;
}

/** Parses the script's last two lines. */
export function parseBaselineOutput(stdout: string): BaselineResult {
  // `times` prints two lines: the shell's user and system time, then its children's. Not in a pipeline:
  // a pipeline would run it in a fresh subshell, which reports zeros.
  const match = stdout.match(/^TIMES\n(.*)\n(.*)$/m);
  const times = match ? `${match[1]} ${match[2]}`.trim().split(/\s+/).map(parseTimes) : undefined;
  const lastPid = Number(stdout.match(/^LASTPID (\d+)$/m)?.[1]);
  if (!times || times.length !== 4 || !Number.isFinite(lastPid)) throw new Error(`unexpected output of the baseline loop:\n${stdout}`);
  const [u, s, cu, cs] = times as [number, number, number, number];
  return { selfSeconds: u + s, childrenSeconds: cu + cs, lastPid };
}

function parseTimes(text: string): number {
  const match = text.match(/^(\d+)m([\d.]+)s$/);
  if (!match) throw new Error(`unexpected \`times\` field ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}
