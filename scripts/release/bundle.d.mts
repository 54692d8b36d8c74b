// Types of bundle.mjs, for the artifact tests.
import type { Metafile } from 'esbuild';

/** The bundle's entry, relative to lib/. */
export const BUNDLE_ENTRY: string;
/** The inputs the entry and every command but `demo` load. */
export function agentPathInputs(metafile: Metafile): string[];
