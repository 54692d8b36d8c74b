#!/usr/bin/env node
// The installed entry point: the built CLI. Kept as plain JS so `npm install -g` needs no build step.
// In a checkout, dist/ exists only after `pnpm build`: say so rather than print a module-resolution trace.
let main;
try {
  ({ main } = await import('../dist/main.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  process.stderr.write('ebs-autoscale: dist/main.js is missing: this is an unbuilt checkout. Run `pnpm build` first.\n');
  process.exit(1);
}

process.exitCode = await main(process.argv.slice(2));
