import type { CommandResult, CommandRunner, RunOptions } from '@ebs-autoscale/core';

/** One command a {@link TimingRunner} ran: start and end in `Date.now()` ms, the clock of the autoscaler's events. */
export interface TimedCommand {
  readonly command: string;
  readonly start: number;
  readonly end: number;
}

/**
 * A {@link CommandRunner} that records when each command ran, so a driver's extend step can be split
 * by command (under TCG, which of pvcreate, lvextend or resize2fs takes the time).
 */
export class TimingRunner implements CommandRunner {
  readonly commands: TimedCommand[] = [];

  constructor(private readonly inner: CommandRunner) {}

  async run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    const start = Date.now();
    try {
      return await this.inner.run(command, args, options);
    } finally {
      this.commands.push({ command, start, end: Date.now() });
    }
  }

  /**
   * Milliseconds per command name, summed over the commands that ran entirely within [from, to]. Whole
   * commands only: the next step's first command may start in the very millisecond this one ends.
   */
  between(from: number, to: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.commands) if (c.start >= from && c.end <= to) out[c.command] = (out[c.command] ?? 0) + (c.end - c.start);
    return out;
  }
}
