// ECS reads its cleanup knobs with Go's time.ParseDuration ("1h30m", "90s", "1.5h"), so the same
// strings must mean the same here: a host's /etc/ecs/ecs.config is the source of these values.
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

/**
 * Parses a Go duration string (as `time.ParseDuration` does, without a sign) into milliseconds, or
 * returns `undefined` when the text is not one. `"0"` is zero, as in Go.
 *
 * @example parseGoDuration('1h30m') // 5_400_000
 */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (trimmed === '') return undefined;
  TERM.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = TERM.exec(trimmed); match; match = TERM.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = TERM.lastIndex;
  }
  return consumed === trimmed.length ? total : undefined;
}
