import { Writable } from 'node:stream';
import { pino, multistream, type Logger, type StreamEntry } from 'pino';
import type { LogLevel } from '../config/agent-config.js';

/** Options of {@link createAgentLogger}. */
export interface AgentLoggerOptions {
  level?: LogLevel;
  /** One readable line per entry instead of JSON. Default: when stdout is a TTY. */
  human?: boolean;
  /** Where lines go. Default stdout. */
  destination?: NodeJS.WritableStream;
  /** Also append JSON lines to this file. */
  file?: string;
}

/**
 * The agent's logger: pino's JSON lines (one object per event, ready for CloudWatch or journald), or,
 * on a terminal, `10:42:01 INFO  scale complete volumeId=vol-1 durationMs=4200`. The human form is a
 * few lines here rather than pino-pretty, which would bring a dozen packages for one format.
 */
export function createAgentLogger(options: AgentLoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const human = options.human ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const level = options.level ?? 'info';
  // pino's multistream takes no `silent` entry; a silent logger filters before it anyway.
  const streamLevel = level === 'silent' ? 'fatal' : level;
  const streams: StreamEntry[] = [{ level: streamLevel, stream: human ? humanStream(destination) : destination }];
  if (options.file) streams.push({ level: streamLevel, stream: pino.destination({ dest: options.file, append: true, mkdir: true, sync: false }) });
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, multistream(streams));
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Formats one pino JSON line for people. */
export function formatHumanLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, pid: _pid, hostname: _hostname, err, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 19) : new Date(Number(time ?? Date.now())).toISOString().slice(11, 19);
  const name = (LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5);
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const error = err && typeof err === 'object' && 'message' in err ? `\n    ${String((err as { message: unknown }).message)}` : '';
  return `${clock} ${name} ${String(msg ?? '')}${rest ? ` ${rest}` : ''}${error}\n`;
}

function humanStream(destination: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) destination.write(formatHumanLine(line));
      callback();
    },
  });
}
