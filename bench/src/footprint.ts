// Benchmark: the agent's footprint (issue 13, item 3) — `--help` wall time and peak RSS, the idle
// agent's RSS, and the peak RSS while scaling, for the workspace build and the release artifact, beside
// the previous figures and its targets. Root only (loop devices, btrfs).
// Run: pnpm bench:footprint [--help-runs 7] [--agent-runs 3] [--idle-seconds 20] [--scale-ups 2]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NODE_FLAGS } from '../../scripts/release/launcher.mjs';
import { measureAgent } from './footprint/measure-agent.js';
import { measureHelp } from './footprint/measure-help.js';
import { footprintTable, type Samples } from './footprint/report.js';
import { artifactVariants, workspaceVariant, type Variant } from './footprint/variants.js';
import { machineName, requireRoot } from './real/proc.js';

requireRoot('footprint');
const { values } = parseArgs({
  options: {
    'help-runs': { type: 'string', default: '7' },
    'agent-runs': { type: 'string', default: '3' },
    'idle-seconds': { type: 'string', default: '20' },
    'scale-ups': { type: 'string', default: '2' },
  },
});
const helpRuns = Number(values['help-runs']);
const agentRuns = Number(values['agent-runs']);
const idleSeconds = Number(values['idle-seconds']);
const scaleUps = Number(values['scale-ups']);
const OUT = new URL('../out/', import.meta.url);

const workspace = workspaceVariant(); // first: it refuses a stale dist/ before the artifact is built
const artifact = await artifactVariants();
try {
  const variants: Variant[] = [workspace, ...artifact.variants];
  const results = variants.map((variant) => ({
    variant,
    samples: { helpSeconds: [], helpRss: [], idleRss: [], peakRss: [], idleAnon: [], cpuSeconds: [] } as Required<Samples>,
  }));
  // Interleaved, so a burst of load from elsewhere on the machine lands on every variant alike.
  for (let run = 0; run < helpRuns; run += 1) {
    for (const { variant, samples } of results) {
      const help = measureHelp(variant);
      samples.helpSeconds.push(help.seconds);
      samples.helpRss.push(help.peakRssBytes);
    }
  }
  for (let run = 0; run < agentRuns; run += 1) {
    for (const { variant, samples } of results) {
      if (variant.helpOnly) continue;
      const agent = await measureAgent(variant, { idleSeconds, scaleUps });
      samples.idleRss.push(agent.idleRssBytes);
      samples.peakRss.push(agent.peakRssBytes);
      samples.idleAnon.push(agent.idleAnonBytes);
      samples.cpuSeconds.push(agent.cpuSeconds);
      console.error(`[bench:footprint] ${variant.name}: run ${run + 1}/${agentRuns} done`);
    }
  }
  const table = footprintTable(results.map(({ variant, samples }) => ({ name: variant.name, samples })));
  const report = [
    `# Footprint (issue 13, item 3)`,
    '',
    `Machine: ${machineName()}. \`--help\`: ${helpRuns} runs per variant; agent: ${agentRuns} runs, idle ${idleSeconds} s, then ${scaleUps} scale-ups against ec2-sim (loop devices, btrfs). ✓/✗: the median against the target. Wall times move with the machine's load (other work shares its cores; where this was run, a background CI loop shared its 2): the bare Node beside them is the floor.`,
    '',
    table,
    '',
    `Artifact (linux-x64): ${(artifact.tarballBytes / 1e6).toFixed(1)} MB tar.gz; bundle ${(artifact.bundleBytes / 1e3).toFixed(0)} kB. Launcher's Node flags: \`${NODE_FLAGS.join(' ')}\`.`,
    '',
  ].join('\n');
  console.log(report);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(new URL('footprint.md', OUT), report);
} finally {
  rmSync(artifact.dir, { recursive: true, force: true });
}
