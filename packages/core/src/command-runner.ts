import { EbsAutoscaleError } from './errors.js';

/** Options for one command. */
export interface RunOptions {
  /** Kill the command after this many milliseconds. Default 120 000: long enough for `mkfs` on a large volume. */
  timeoutMs?: number;
  /** Text written to the command's standard input. */
  input?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Resolve with the result instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
}

/** What a finished command printed and returned. */
export interface CommandResult {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs external programs. Arguments are always an array, never a shell string, so a device path or a
 * label can never be interpreted by a shell. Drivers take a runner by injection, so a test can record
 * what ran or swap the implementation.
 */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

/** A command that failed: exited non-zero, timed out, or could not be started. */
export class CommandError extends EbsAutoscaleError {
  override readonly name: string = 'CommandError';
  readonly command: string;
  readonly args: readonly string[];
  /** The exit code, or `undefined` when the command did not exit by itself (not found, timed out, killed). */
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly stdout: string;
  readonly timedOut: boolean;

  constructor(init: {
    command: string;
    args: readonly string[];
    exitCode: number | undefined;
    stdout: string;
    stderr: string;
    timedOut?: boolean;
    notFound?: boolean;
    cause?: unknown;
  }) {
    const line = [init.command, ...init.args].join(' ');
    const why = init.notFound ? 'was not found' : init.timedOut ? 'timed out' : `exited with code ${init.exitCode ?? 'unknown'}`;
    const detail = init.stderr.trim() ? `: ${init.stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
    super('command', init.notFound ? 'COMMAND_NOT_FOUND' : init.timedOut ? 'TIMEOUT' : 'COMMAND_FAILED', `\`${line}\` ${why}${detail}.`, {
      hint: init.notFound ? `Install the package that provides \`${init.command}\` and make sure it is on PATH.` : undefined,
      cause: init.cause,
    });
    this.command = init.command;
    this.args = init.args;
    this.exitCode = init.exitCode;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.timedOut = init.timedOut ?? false;
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The production runner, on execa. */
export function createExecaRunner(defaults: { timeoutMs?: number; env?: Record<string, string> } = {}): CommandRunner {
  return {
    async run(command, args, options = {}) {
      // Loaded at the first command, not with core: `userdata` and `iam-policy` import core's errors
      // and never run one.
      const { execa } = await import('execa');
      const result = await execa(command, [...args], {
        reject: false,
        timeout: options.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.input === undefined ? {} : { input: options.input }),
        env: { ...defaults.env, ...options.env, LC_ALL: 'C' },
        stripFinalNewline: false,
      });
      const stdout = String(result.stdout ?? '');
      const stderr = String(result.stderr ?? '');
      const notFound = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      const outcome: CommandResult = { command, args: [...args], exitCode: result.exitCode ?? -1, stdout, stderr };
      if (result.failed && (notFound || result.timedOut || result.exitCode === undefined || !options.allowFailure)) {
        throw new CommandError({
          command,
          args,
          exitCode: result.exitCode,
          stdout,
          stderr: stderr || (result.exitCode === undefined ? String(result.shortMessage ?? '') : ''),
          timedOut: result.timedOut,
          notFound,
          cause: result.cause,
        });
      }
      return outcome;
    },
  };
}

/** One call a {@link RecordingCommandRunner} saw. */
export interface RecordedCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** Wraps a runner and remembers every command it ran, in order: for tests that assert what a driver did. */
export class RecordingCommandRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];
  constructor(private readonly inner: CommandRunner = createExecaRunner()) {}

  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.calls.push({ command, args: [...args] });
    return this.inner.run(command, args, options);
  }
}
