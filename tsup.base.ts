// The one place that knows how packages are built. Each package's tsup.config.ts only extends this,
// so a future switch of build tool (tsup is no longer actively maintained) is a one-file change.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
