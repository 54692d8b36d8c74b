import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { rateAt, type Fill } from './workloads.js';

/** What one writer did. */
export interface FillResult {
  writtenBytes: number;
  /** Write calls refused with ENOSPC: at most one per 100 ms tick, since a refused tick gives up its rest. */
  enospc: number;
  otherErrors: number;
}

/**
 * Writes a fill into a directory in 100 ms ticks of 1 MiB writes, incompressible, flushed each tick
 * (filesystems count dirty pages only once written back), as the CLI's demo writer does. A write
 * refused for space ends the tick: the job would retry, and the next tick does.
 */
export class FillWriter {
  readonly result: FillResult = { writtenBytes: 0, enospc: 0, otherErrors: 0 };
  private readonly chunk = randomBytes(MIB);
  private file: FileHandle | undefined;
  private files = 0;
  private fileBytes = 0;

  constructor(private readonly dir: string) {}

  /** Runs the whole fill (or until `signal` aborts); resolves when it has ended. */
  async run(fill: Fill, signal?: AbortSignal): Promise<FillResult> {
    const started = performance.now();
    let owed = 0;
    try {
      for (let tick = 0; ; tick += 1) {
        const t = tick / 10;
        if (t >= fill.seconds || signal?.aborted) break;
        owed += (rateAt(fill, t) * MIB) / 10;
        owed = Math.max(0, owed - (await this.write(owed)));
        // Catch up on the wall clock rather than drift: a slow tick is followed by a short wait.
        const wait = started + (tick + 1) * 100 - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      await this.file?.close().catch(() => undefined);
    }
    return this.result;
  }

  /** Writes up to `bytes`; returns how many it wrote. A refused write drops the rest of this tick's bytes. */
  private async write(bytes: number): Promise<number> {
    let written = 0;
    while (bytes - written >= 1) {
      const size = Math.min(Math.floor(bytes - written), this.chunk.length);
      try {
        if (!this.file || this.fileBytes >= 32 * MIB) await this.nextFile();
        await this.file!.write(this.chunk, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') this.result.enospc += 1;
        else this.result.otherErrors += 1;
        return bytes;
      }
      this.fileBytes += size;
      written += size;
      this.result.writtenBytes += size;
    }
    await this.file?.datasync().catch(() => undefined);
    return written;
  }

  private async nextFile(): Promise<void> {
    await this.file?.close();
    this.files += 1;
    this.file = await open(join(this.dir, `fill-${String(this.files).padStart(4, '0')}.bin`), 'w');
    this.fileBytes = 0;
  }
}
