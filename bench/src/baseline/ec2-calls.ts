/** EC2 calls by action, summed over runs and divided by their number: the mean per run. */
export function meanCallsByAction(runs: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const calls of runs) for (const [action, n] of Object.entries(calls)) sum[action] = (sum[action] ?? 0) + n;
  return Object.fromEntries(
    Object.entries(sum)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, n]) => [action, n / Math.max(1, runs.length)]),
  );
}

/** `DescribeVolumes 12, CreateVolume 3`, largest first; `none` for no call. */
export function formatCalls(calls: Readonly<Record<string, number>>): string {
  const entries = Object.entries(calls)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([action, n]) => `${action} ${Number.isInteger(n) ? n : n.toFixed(1)}`).join(', ');
}

/** The total of a call map. */
export function totalCalls(calls: Readonly<Record<string, number>>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}
