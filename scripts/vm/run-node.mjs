#!/usr/bin/env node
// Runs a Node script inside the test VM (a real Debian kernel with device-mapper, under qemu TCG), for
// what the host's kernel can't do, and copies back what it wrote to $EBS_VM_OUT:
//
//   node scripts/vm/run-node.mjs [--out <dir>] [--timeout <s>] [--] <node arguments…>
//
// The guest runs `node <node arguments…>` as root in this process's working directory, with the host's
// Node. Exit code: the script's; 124 on timeout; 125 when the VM died first; 2 when the VM can't be set
// up here (the message says what to install). How the VM works: scripts/vm/README.md.
import { resolve } from 'node:path';
import { VmSetupError, describeFailure, runInVm } from './run-in-vm.mjs';

async function main() {
  const { out, timeout, nodeArgs } = parseArguments(process.argv.slice(2));
  if (nodeArgs.length === 0) {
    console.error('usage: node scripts/vm/run-node.mjs [--out <dir>] [--timeout <s>] [--] <node arguments…>');
    return 2;
  }
  const timeoutS = Number(timeout);
  if (!(timeoutS > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${timeout}`);
  const result = await runInVm({
    command: ['node', ...nodeArgs],
    cwd: process.cwd(),
    outDir: out === undefined ? undefined : resolve(out),
    label: 'run-node',
    timeoutS,
    onOutput: (text) => process.stdout.write(text),
    onStatus: (line) => console.log(`[vm-run] ${line}`),
  });
  const failure = describeFailure(result);
  if (failure) console.error(`\n[vm-run] ${failure}`);
  console.log(`[vm-run] exit code ${result.exitCode}, ${result.seconds}s including the boot`);
  return result.exitCode;
}

/**
 * Our options, then node's arguments verbatim from the first argument that isn't ours (or after `--`):
 * util.parseArgs would take node's own flags (`--import`, `--conditions=…`) for ours.
 */
function parseArguments(args) {
  const ours = { out: undefined, timeout: '900' };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') return { ...ours, nodeArgs: args.slice(i + 1) };
    const match = /^--(out|timeout)(?:=(.*))?$/.exec(arg);
    if (!match) return { ...ours, nodeArgs: args.slice(i) };
    ours[match[1]] = match[2] ?? args[++i];
  }
  return { ...ours, nodeArgs: [] };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof VmSetupError ? error.message : error);
    if (error instanceof VmSetupError) console.error('[vm-run] cannot run the VM; see scripts/vm/README.md for what to install.');
    process.exit(2);
  },
);
