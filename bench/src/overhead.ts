// Benchmark 2: the agent's own overhead on a real btrfs mount, against amazon-ebs-autoscale's bash
// loop, side by side for the same wall time. Root only. Run: pnpm bench:overhead [--seconds 60]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GIB, MIB } from '@ebs-autoscale/core';
import { createBtrfsDriver } from '@ebs-autoscale/driver-btrfs';
import { LoopDeviceFactory } from '@ebs-autoscale/testkit';
import { baselineScript, parseBaselineOutput, type BaselineResult } from './overhead/baseline-loop.js';
import type { ChildReport } from './overhead/protocol.js';
import { machineName, processTree, readCpu, readStatusBytes, requireRoot, TreeWatcher } from './real/proc.js';
import { barChart } from './report/svg.js';
import { markdownTable } from './report/table.js';

requireRoot('overhead');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const seconds = Number(values.seconds);
if (!(seconds >= 4)) throw new Error(`--seconds must be at least 4 (two samples), got ${values.seconds}`);
const INTERVAL_S = 2;
const OUT = new URL('../out/', import.meta.url);

const loops = new LoopDeviceFactory();
let ours: ChildProcess | undefined;
let baseline: ChildProcess | undefined;
try {
  const device = await loops.create(GIB);
  const mountPoint = await loops.mountPoint();
  // Formats and mounts once, here; the child's prepare() then finds the filesystem mounted, as after a restart.
  await createBtrfsDriver({ mountPoint, devices: [device] }).prepare();
  // Zero samples: the PIDs the script's own start and final report use, subtracted below.
  const calibration = parseBaselineOutput(await runBaseline(baselineScript(0, 0), mountPoint).output);

  ours = fork(fileURLToPath(new URL('./overhead/agent-child.ts', import.meta.url)), [mountPoint, device], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const oursPid = ours.pid!;
  await waitForMessage(ours, (m) => (m as { type?: string }).type === 'ready');
  const oursStart = { at: performance.now(), cpu: totalCpu(oursPid) };
  const oursTree = new TreeWatcher(() => oursPid);

  const samples = Math.floor(seconds / INTERVAL_S);
  const baselineStart = performance.now();
  const run = runBaseline(baselineScript(samples, INTERVAL_S), mountPoint);
  baseline = run.child;
  const unsharePid = baseline.pid!;
  let bashPid: number | undefined;
  const baselineTree = new TreeWatcher(() => (bashPid ??= processTree(unsharePid)[1]));
  let baselineHwm = 0;
  const hwm = setInterval(() => (baselineHwm = Math.max(baselineHwm, bashPid ? (readStatusBytes(bashPid, 'VmHWM') ?? 0) : 0)), 200);

  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const oursWall = (performance.now() - oursStart.at) / 1000;
  const oursCpu = totalCpu(oursPid) - oursStart.cpu;
  const oursHwm = readStatusBytes(oursPid, 'VmHWM') ?? 0;
  oursTree.stop();
  const reportPromise = waitForMessage(ours, (m) => (m as { type?: string }).type === 'report');
  ours.send('stop');
  const report = (await reportPromise) as ChildReport;
  const baselineOutput = parseBaselineOutput(await run.output);
  const baselineWall = (performance.now() - baselineStart) / 1000;
  clearInterval(hwm);
  baselineTree.stop();

  const result = summarise({
    seconds,
    oursWall,
    oursCpu,
    oursHwm,
    oursTreePeak: oursTree.peakTreeRssBytes,
    oursSeen: oursTree.seen.size,
    report,
    baselineWall,
    baselineOutput,
    calibration,
    samples,
    baselineHwm,
    baselineTreePeak: baselineTree.peakTreeRssBytes,
  });
  writeOutputs(result);
} finally {
  if (ours && ours.exitCode === null) ours.kill();
  if (baseline && baseline.exitCode === null) baseline.kill();
  await loops.cleanup();
}

interface Summary {
  readonly rows: (string | number)[][];
  readonly ratios: { cpu: number; rss: number; processes: number };
  readonly notes: string[];
  readonly meetsGoal: boolean;
}

function summarise(m: {
  seconds: number;
  oursWall: number;
  oursCpu: number;
  oursHwm: number;
  oursTreePeak: number;
  oursSeen: number;
  report: ChildReport;
  baselineWall: number;
  baselineOutput: BaselineResult;
  calibration: BaselineResult;
  samples: number;
  baselineHwm: number;
  baselineTreePeak: number;
}): Summary {
  const perHour = (value: number, wall: number) => (value / wall) * 3600;
  const oursCpuH = perHour(m.oursCpu, m.oursWall);
  const baseCpu = m.baselineOutput.selfSeconds + m.baselineOutput.childrenSeconds;
  const baseCpuH = perHour(baseCpu, m.baselineWall);
  const oursProcPerSample = m.report.steadyProcesses / Math.max(1, m.report.samples - 1);
  const baseProcesses = m.baselineOutput.lastPid - m.calibration.lastPid;
  const baseProcPerSample = baseProcesses / m.samples;
  const oursEc2H = perHour(m.report.steadyProvisionerCalls, m.oursWall);
  const mib = (bytes: number) => (bytes / MIB).toFixed(1);
  const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 'both 0' : '∞') : (a / b).toFixed(3));
  const rows = [
    ['CPU seconds per hour (extrapolated)', oursCpuH.toFixed(2), baseCpuH.toFixed(2), ratio(oursCpuH, baseCpuH)],
    ['peak RSS, main process (VmHWM), MiB', mib(m.oursHwm), mib(m.baselineHwm), ratio(m.oursHwm, m.baselineHwm)],
    ['peak RSS, process tree (sampled 50 ms), MiB', mib(m.oursTreePeak), mib(m.baselineTreePeak), ratio(m.oursTreePeak, m.baselineTreePeak)],
    ['EC2 calls per hour (steady state)', oursEc2H.toFixed(0), '0', ratio(oursEc2H, 0)],
    ['processes spawned per sample', oursProcPerSample.toFixed(2), baseProcPerSample.toFixed(2), ratio(oursProcPerSample, baseProcPerSample)],
    ['samples taken', m.report.samples, m.samples, ''],
    ['measured CPU seconds / wall seconds', `${m.oursCpu.toFixed(3)} / ${m.oursWall.toFixed(1)}`, `${baseCpu.toFixed(3)} / ${m.baselineWall.toFixed(1)}`, ''],
  ];
  const notes = [
    `ours: ${m.report.startupProcesses} processes at start-up (prepare(): ${
      Object.entries(m.report.processesByCommand)
        .map(([c, n]) => `${c} ×${n}`)
        .join(', ') || 'none'
    }), ${m.report.steadyProcesses} after the first sample; the process-tree poll saw ${m.oursSeen} child processes while measuring.`,
    `ours: provisioner calls in total ${JSON.stringify(m.report.provisionerCalls)} (the one \`list\` is the start-up inventory, a DescribeVolumes with the EBS provisioner); ${m.report.steadyProvisionerCalls} after the first sample.`,
    `ours: the child's own process.cpuUsage() over the same window (stop included): ${m.report.cpuSeconds.toFixed(3)} s; its getrusage maxRSS ${mib(m.report.maxRssBytes)} MiB.${m.report.errors.length ? ` Errors: ${m.report.errors.join('; ')}` : ''}`,
    `baseline: bash ${m.baselineOutput.selfSeconds.toFixed(3)} s + children ${m.baselineOutput.childrenSeconds.toFixed(3)} s CPU (bash's \`times\`); ${baseProcesses} processes for ${m.samples} samples (PIDs in its own PID namespace).`,
  ];
  return {
    rows,
    ratios: { cpu: oursCpuH / baseCpuH, rss: m.oursHwm / m.baselineHwm, processes: baseProcPerSample ? oursProcPerSample / baseProcPerSample : 0 },
    notes,
    meetsGoal: oursCpuH < 0.1 * baseCpuH && m.report.steadyProcesses === 0,
  };
}

function writeOutputs(summary: Summary): void {
  const machine = machineName();
  const table = markdownTable(['measure', 'ours (StorageAutoscaler + btrfs)', 'amazon-ebs-autoscale loop', 'ours / baseline'], summary.rows);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    new URL('overhead.svg', OUT),
    barChart({
      title: 'Agent overhead relative to amazon-ebs-autoscale (lower is better)',
      yLabel: '× baseline',
      groups: ['CPU per hour', 'peak RSS (main process)', 'processes per sample'],
      series: [{ name: 'ours / baseline', values: [summary.ratios.cpu, summary.ratios.rss, summary.ratios.processes] }],
      reference: { y: 0.1, label: 'CPU goal 0.1×' },
    }),
  );
  const verdict = `Goal (CPU per hour < 0.1× the baseline's, zero processes spawned per sample): **${summary.meetsGoal ? 'met' : 'not met'}**.`;
  writeFileSync(
    new URL('overhead.md', OUT),
    `# Agent overhead on a real btrfs mount

Generated by \`pnpm bench:overhead\` (root): a 1 GiB loop device formatted btrfs, idle (nothing fills it),
watched for ${seconds} s of wall time at the same time by both contenders, each sampling every ${INTERVAL_S} s.

- **ours**: a Node process running core's \`StorageAutoscaler\` (the default predictive policy) with the
  real btrfs driver and core's \`InMemoryProvisioner\` (its call counts stand in for EC2 calls). CPU is
  utime+stime+cutime+cstime from \`/proc/<pid>/stat\` between the end of start-up and the end of the run;
  processes are counted by wrapping the driver's \`CommandRunner\`.
- **baseline**: a bash loop doing amazon-ebs-autoscale's per-sample work (its \`bin/ebs-autoscale\`
  main loop: \`df -BG | grep\`, four \`echo | awk\` extractions, \`cut\`, the comparison, \`expr\`, \`sleep\`;
  the lines modelled are quoted in \`src/overhead/baseline-loop.ts\`). CPU includes its children (bash's
  \`times\`); processes are counted exactly from PIDs in its own PID namespace.

Per-hour figures are **extrapolated** from this ${seconds} s run. Absolute figures are from ${machine},
with other work running on the machine; the ratios are the comparison.

${table}

${verdict}

${summary.notes.map((n) => `- ${n}`).join('\n')}

![overhead](overhead.svg)
`,
  );
  console.log(table);
  console.log(`\n${verdict.replace(/\*\*/g, '')}`);
  for (const note of summary.notes) console.log(`- ${note}`);
  console.log(`\nWrote bench/out/overhead.md, overhead.svg (${machine}).`);
}

/** Runs the baseline script as PID 1 of a new PID namespace; resolves its stdout when it exits. */
function runBaseline(script: string, mountPoint: string): { child: ChildProcess; output: Promise<string> } {
  // --kill-child: if this benchmark dies, the loop dies with unshare instead of running on.
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', 'bash', '-c', script, 'bash', mountPoint], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const output = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`baseline loop exited with ${String(code)}:\n${stdout}`);
    return stdout;
  });
  return { child, output };
}

function totalCpu(pid: number): number {
  const cpu = readCpu(pid);
  if (!cpu) throw new Error(`process ${pid} is gone`);
  return cpu.self + cpu.children;
}

function waitForMessage(child: ChildProcess, match: (message: unknown) => boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!match(message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`agent child exited (${String(code)}) before reporting`));
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
