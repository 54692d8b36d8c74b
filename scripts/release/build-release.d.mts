// Types of build-release.mjs, for the TypeScript callers (the artifact tests and bench:footprint).
import type { Metafile } from 'esbuild';

export const REPO: string;
export const DEFAULT_CACHE_DIR: string;

/** One tarball of a release. */
export interface ReleaseArtifact {
  readonly arch: string;
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** What {@link buildRelease} made. */
export interface Release {
  readonly artifacts: ReleaseArtifact[];
  /** The SHA256SUMS file's text. */
  readonly sums: string;
  /** The bundle's size (entry and chunks), uncompressed. */
  readonly bundleBytes: number;
  readonly metafile: Metafile;
  /** The tarball's top directory (and base name) for an architecture: `ebs-autoscale-0.1.0-linux-x64`. */
  name(arch: string): string;
}

/** Options of {@link buildRelease}. */
export interface BuildReleaseOptions {
  /** Default dist/release; emptied first. */
  outDir?: string;
  /** Default both, x64 and arm64. */
  arches?: readonly string[];
  /** Where the Node downloads are kept; default {@link DEFAULT_CACHE_DIR}. */
  cacheDir?: string;
  repo?: string;
  /** Every file's mtime; default SOURCE_DATE_EPOCH, else the commit time of HEAD. */
  sourceDateEpoch?: number;
}

/** Builds the release tarballs and SHA256SUMS into `outDir` (default dist/release). */
export function buildRelease(options?: BuildReleaseOptions): Promise<Release>;
