import { defineConfig } from 'vitest/config';

// The VM test run (`pnpm test:vm`): only `*.vm.test.ts`, which need a real kernel with device-mapper
// and online resize (scripts/vm/README.md). Two files at a time on the VM's 2 vCPUs: most of a check is
// waiting on lvm/mkfs processes, and tests keep apart by their own VG names and loop devices.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.vm.test.ts', 'scripts/vm/test/**/*.vm.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
