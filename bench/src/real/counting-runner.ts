import type { CommandResult, CommandRunner, RunOptions } from '@ebs-autoscale/core';

/** A {@link CommandRunner} that counts every process it starts, by command, before delegating. */
export class CountingRunner implements CommandRunner {
  readonly byCommand = new Map<string, number>();
  total = 0;

  constructor(private readonly inner: CommandRunner) {}

  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.total += 1;
    this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
    return this.inner.run(command, args, options);
  }
}
