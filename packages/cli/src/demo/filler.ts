import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** What the demo's writer has done: bytes written, files, and the writes refused for want of space. */
export interface FillStats {
  writtenBytes: number;
  /** Writes that failed with ENOSPC: the number the autoscaler exists to keep at zero. */
  outOfSpaceErrors: number;
  otherErrors: number;
  files: number;
}

/**
 * Writes into a directory at a steady rate, like a job filling scratch space: 100 ms ticks, files of
 * 32 MiB, incompressible data (so a compressing filesystem cannot make the demo look better).
 */
export class Filler {
  readonly stats: FillStats = { writtenBytes: 0, outOfSpaceErrors: 0, otherErrors: 0, files: 0 };
  private readonly chunk = randomBytes(1024 * 1024);
  private file: FileHandle | undefined;
  private fileBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly bytesPerSecond: number,
    private readonly fileBytesLimit = 32 * 1024 * 1024,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.tick(this.bytesPerSecond / 10));
    }, 100);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    await this.file?.close().catch(() => undefined);
    this.file = undefined;
  }

  private async tick(bytes: number): Promise<void> {
    let left = Math.round(bytes);
    while (left > 0) {
      const size = Math.min(left, this.chunk.length);
      try {
        if (!this.file || this.fileBytes >= this.fileBytesLimit) await this.nextFile();
        await this.file!.write(this.chunk, 0, size);
        this.fileBytes += size;
        this.stats.writtenBytes += size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') this.stats.outOfSpaceErrors += 1;
        else this.stats.otherErrors += 1;
        return;
      }
      left -= size;
    }
    // Flush each tick: filesystems count dirty pages as used only once written back (btrfs commits
    // every 30 s), and a job's data reaches the disk soon anyway; the demo should not hide that lag.
    await this.file?.datasync().catch(() => undefined);
  }

  private async nextFile(): Promise<void> {
    await this.file?.close();
    this.stats.files += 1;
    this.file = await open(join(this.dir, `fill-${String(this.stats.files).padStart(4, '0')}.bin`), 'w');
    this.fileBytes = 0;
  }
}
