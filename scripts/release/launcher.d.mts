// Types of launcher.mjs, for the artifact tests and bench:footprint.

/** The Node options bin/ebs-autoscale passes. */
export const NODE_FLAGS: readonly string[];
export function launcherScript(entry: string): string;
