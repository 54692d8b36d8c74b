// bin/ebs-autoscale: a POSIX sh launcher that runs the artifact's own Node on the bundle. It follows
// symlinks itself (readlink without -f, which POSIX lacks), so a link from /usr/local/bin works.

/**
 * Node options the launcher passes (the arm64 test runs the bundle with the same ones). Measured with
 * bench:footprint's agent run (idle 15 s, then 2 scale-ups; RSS in MiB, idle / peak, CPU s for the run):
 * - none: 80.8 / 84.9;
 * - `--max-semi-space-size=1` (a 1 MiB young generation instead of up to 16; the agent allocates
 *   little): 77.0 / 82.1, and 0.55 CPU s in a second run;
 * - with `--lite-mode` too (no optimising compiler, feedback allocated lazily): 65.8 / 67.2, and 0.59
 *   CPU s: within noise, as the agent runs little JavaScript (a poll every few seconds).
 *   `--jitless` saved no more (66.9 / 68.1) and disables WebAssembly; `--v8-pool-size=0
 *   --single-threaded-gc` and `--max-lazy` changed nothing. `--max-old-space-size` only caps the heap
 *   (an out-of-memory crash instead of growth); it does not shrink an idle one, so it is not set.
 * Later, with the bundle's builtins loaded through require (builtin-require-plugin.mjs) and the SDK's ES
 * modules: 60.7 MiB idle with these two flags (five agents side by side, idle 30 s); adding
 * `--optimize-for-size` 61.0, `--single-threaded` 60.3, both with `--memory-reducer-for-small-heaps`
 * 60.6, `--memory-reducer-for-small-heaps --compact-on-every-full-gc` 60.8: all within noise, so none
 * is set. The V8 heap is 10.5 MiB of that (44 pages of 256 KiB), which no flag shrinks: it is what the
 * loaded JavaScript holds.
 */
export const NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode'];

/** @param {string} entry the bundle's entry, relative to lib/ */
export function launcherScript(entry) {
  return `#!/bin/sh
# ebs-autoscale launcher: runs the bundled agent on the Node runtime shipped beside it.
set -e
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
root=$(cd "$(dirname "$self")/.." && pwd -P)
# install writes this launcher into the unit, so the agent runs with the flags below, not bare node.
EBS_AUTOSCALE_LAUNCHER=$root/bin/ebs-autoscale
export EBS_AUTOSCALE_LAUNCHER
exec "$root/node/bin/node" ${NODE_FLAGS.join(' ')} "$root/lib/${entry}" "$@"
`;
}
