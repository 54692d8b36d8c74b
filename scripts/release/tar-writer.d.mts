// Types of tar-writer.mjs, for its test.

/** A file, or a directory when `contents` is absent. */
export interface TarEntry {
  path: string;
  mode: number;
  contents?: Uint8Array | string;
}
export function writeTarGz(file: string, entries: TarEntry[], options: { mtime: number; level?: number }): Promise<void>;
