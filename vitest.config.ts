import { defineConfig } from 'vitest/config';

// One run for every package. Tests import workspace packages through the `source` export condition,
// so they exercise the TypeScript sources without a build; the build itself is checked by `pnpm build`
// and the package-surface test. VM tests (`*.vm.test.ts`) run inside the VM harness (`pnpm test:vm`).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.vm.test.ts'],
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.check.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
