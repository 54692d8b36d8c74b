// Benchmark 5: the real amazon-ebs-autoscale side by side with our agent, on ec2-sim with loop
// devices and btrfs. Root only. Run: sudo pnpm bench:baseline [--baseline DIR] [--repeats 3]
// [--seconds 60] [--worlds scaled,realistic] [--fills '16 MiB/s,64 MiB/s,burst'] [--no-strand] [--ours built|source]
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { staleBuilds } from '../../scripts/build-freshness.mjs';
import { BASELINE_CHANGES, BASELINE_CONFIG_FILE, realAws } from './baseline/baseline-agent.js';
import { BASELINE_COMMIT, DEFAULT_BASELINE_DIR, resolveBaselineDir } from './baseline/checkout.js';
import { XvdLinks } from './baseline/device-links.js';
import { OUR_BIN, type OurBuild } from './baseline/our-agent.js';
import { markdownReport, svgReport, tableRows, TABLE_HEADERS, type Cell } from './baseline/report.js';
import { runSideBySide, type SideBySide } from './baseline/run.js';
import { runStrandCheck } from './baseline/strand.js';
import { fills, WORLDS } from './baseline/workloads.js';
import { machineName, requireRoot } from './real/proc.js';
import { markdownTable } from './report/table.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = new URL('../out/', import.meta.url);
const { values } = parseArgs({
  options: {
    baseline: { type: 'string', default: DEFAULT_BASELINE_DIR },
    repeats: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '60' },
    worlds: { type: 'string', default: 'scaled,realistic' },
    fills: { type: 'string' },
    'no-strand': { type: 'boolean', default: false },
    ours: { type: 'string', default: 'built' },
  },
});

let checkout: string;
try {
  checkout = resolveBaselineDir(values.baseline, REPO);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
requireRoot('baseline');
const ours = values.ours as OurBuild;
if (ours !== 'built' && ours !== 'source') throw new Error(`--ours must be built or source, not ${values.ours}`);
if (ours === 'built' && !existsSync(OUR_BIN)) {
  console.error(`bench:baseline runs our built CLI (${OUR_BIN}): run \`pnpm build\` first.`);
  process.exit(1);
}
const stale = staleBuilds();
if (ours === 'built' && stale.length > 0)
  console.warn(
    `bench:baseline: WARNING: dist/ is older than the sources in ${stale.join(', ')}; ours runs the built CLI, so run \`pnpm build\` for figures of the current code.`,
  );
const aws = realAws();
await XvdLinks.assertFree();
const repeats = Number(values.repeats);
const seconds = Number(values.seconds);
const worlds = values.worlds.split(',').map((name) => {
  const world = WORLDS[name as keyof typeof WORLDS];
  if (!world) throw new Error(`--worlds: unknown world "${name}" (scaled, realistic)`);
  return world;
});
const chosenFills = fills(seconds).filter((fill) => !values.fills || values.fills.split(',').includes(fill.name));

// The config's bind mount needs a file to land on.
const placeholder = !existsSync(BASELINE_CONFIG_FILE);
if (placeholder) writeFileSync(BASELINE_CONFIG_FILE, '');
const cells: Cell[] = [];
let strand: string | undefined;
const machine = machineName();
const notes = [
  `The two agents ran at the same time on ${machine}; each tree's CPU is its own, but both, and the bench's writers, share the cores, which lengthens scale-ups for both.`,
  `Ours ran ${ours === 'built' ? 'the built CLI' : "the CLI from its TypeScript sources (Node's type transform: more CPU at start-up and more memory than the built one)"} with the default predictive policy${worlds.some((w) => w.name === 'scaled') ? ' (in the scaled world with the free-space net off, as the demo does: the net is sized in real bytes)' : ''}; the baseline ran with its install.sh defaults but for the world's volume sizes.`,
];
/** Written after every cell, so a run cut short still leaves its figures. */
const writeReport = () => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    new URL('baseline.md', OUT),
    markdownReport({
      cells,
      changes: BASELINE_CHANGES,
      machine,
      commit: BASELINE_COMMIT,
      strand,
      notes,
      oursLabel: ours === 'built' ? "the built CLI's `run`" : "the CLI's `run` from its TypeScript sources",
    }),
  );
  writeFileSync(new URL('baseline.svg', OUT), svgReport(cells));
};
try {
  if (!values['no-strand']) strand = await runStrandCheck({ world: worlds[0]!, checkout, aws, log: (line) => console.log(line) });
  for (const world of worlds) {
    for (const fill of chosenFills) {
      const runs: SideBySide[] = [];
      for (let i = 0; i < repeats; i += 1) {
        const started = Date.now();
        console.log(`${world.name} world, ${fill.name}, run ${i + 1}/${repeats} …`);
        let run: SideBySide;
        try {
          run = await runSideBySide({ world, fill, checkout, aws, ours, log: (line) => console.log(line) });
        } catch (error) {
          // One more try: a failed start-up on a loaded machine should not end a 40-minute benchmark.
          console.log(`    failed (${(error as Error).message.split('\n')[0]}); once more`);
          run = await runSideBySide({ world, fill, checkout, aws, ours, log: (line) => console.log(line) });
        }
        runs.push(run);
        for (const who of ['baseline', 'ours'] as const) {
          const r = run[who];
          console.log(
            `    ${who}: ENOSPC ${r.fill.enospc}, ${r.volumesAdded} volumes (+${r.gibAdded} GiB), scale-ups ${r.scaleUps.map((s) => s.seconds.toFixed(1)).join(' / ') || 'none'} s, CPU ${r.cost.treeCpuSeconds.toFixed(2)} s, ${r.cost.processes} processes, peak RSS ${(r.cost.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
          );
        }
        console.log(`    (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      cells.push({ world, fill, runs });
      writeReport();
    }
  }
} finally {
  if (placeholder) rmSync(BASELINE_CONFIG_FILE, { force: true });
}

writeReport();
console.log(`\n${markdownTable(TABLE_HEADERS, tableRows(cells))}`);
if (strand) console.log(`\n${strand}`);
console.log(`\nWrote bench/out/baseline.md, baseline.svg (${machine}).`);
