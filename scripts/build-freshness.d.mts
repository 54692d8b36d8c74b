// Types of build-freshness.mjs, for the TypeScript callers (packages/cli/test/helpers/agent-process.ts).

/** The packages under `packages/` whose dist/ is missing or older than what it is built from, e.g. `packages/core`. */
export function staleBuilds(repo?: string): string[];
