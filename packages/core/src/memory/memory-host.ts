/**
 * The block devices of an imaginary host, shared by the in-memory provisioner (which makes them
 * appear) and the in-memory driver (which adds them to its filesystem).
 */
export class MemoryHost {
  /** Device path → size in bytes. */
  readonly devices = new Map<string, number>();
  private next = 0;

  /** Makes a new device appear and returns its path. */
  attach(sizeBytes: number): string {
    this.next += 1;
    const path = `/dev/memvd${this.next}`;
    this.devices.set(path, sizeBytes);
    return path;
  }

  detach(path: string): void {
    this.devices.delete(path);
  }
}
