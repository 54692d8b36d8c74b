import { isSameProcess, type ProcessIdentity } from './process-identity.js';

/**
 * Calls back once a watched process has exited. Linux gives another process's exit to its parent only,
 * and Node has no pidfd, so the watch looks at /proc every `intervalMs`: a job's reservation then
 * outlives the job by at most that long. The timer does not keep the agent alive by itself.
 */
export class PidWatch {
  private readonly watched = new Map<string, { identity: ProcessIdentity; onExit: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly intervalMs = 2000,
    private readonly procRoot = '/proc',
  ) {}

  /** Watches `identity` under `key`; `onExit` runs once, when it is gone. */
  watch(key: string, identity: ProcessIdentity, onExit: () => void): void {
    this.watched.set(key, { identity, onExit });
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
  }

  unwatch(key: string): void {
    this.watched.delete(key);
    if (this.watched.size === 0) this.close();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [key, { identity, onExit }] of [...this.watched]) {
        if (await isSameProcess(identity, this.procRoot)) continue;
        this.unwatch(key);
        onExit();
      }
    } finally {
      this.checking = false;
    }
  }
}
