// The "ours" side of bench:overhead, run as its own Node process so its CPU and RSS can be read from
// /proc alone: core's StorageAutoscaler with the real btrfs driver on a real mount, and core's
// InMemoryProvisioner, whose `calls` stand in for EC2 calls (nothing fills the disk, so there must be none).
import { createExecaRunner, StorageAutoscaler } from '@ebs-autoscale/core';
import { InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';
import { createBtrfsDriver } from '@ebs-autoscale/driver-btrfs';
import { CountingRunner } from '../real/counting-runner.js';
import type { ChildReport } from './protocol.js';

const [mountPoint, device] = process.argv.slice(2);
if (!mountPoint || !device || !process.send) throw new Error('usage: fork agent-child.ts <mountPoint> <device> (with an IPC channel)');
const send = (message: ChildReport | { type: 'ready' }) => process.send!(message);

const runner = new CountingRunner(createExecaRunner());
const driver = createBtrfsDriver({ mountPoint, devices: [device], runner });
const provisioner = new InMemoryProvisioner({ host: new MemoryHost() });
// The shipped default policy (predictive, 2 s interval, the same interval as amazon-ebs-autoscale's default).
const autoscaler = new StorageAutoscaler({ driver, provisioner });
let samples = 0;
let processesAtFirstSample = 0;
let callsAtFirstSample = 0;
const errors: string[] = [];
autoscaler.on('usage:sample', () => {
  samples += 1;
  if (samples === 1) {
    processesAtFirstSample = runner.total;
    callsAtFirstSample = totalCalls();
  }
});
autoscaler.on('error', (e) => errors.push(`${e.context}: ${e.error.message}`));

// The agent prepares its mount at start-up (the parent already formatted and mounted it): start-up
// work, measured apart from the steady state.
await driver.prepare();
const startupCpu = process.cpuUsage();
const startupProcesses = runner.total;
autoscaler.start();
send({ type: 'ready' });

process.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  void autoscaler.stop().then(() => {
    const cpu = process.cpuUsage(startupCpu);
    send({
      type: 'report',
      samples,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      startupProcesses,
      steadyProcesses: runner.total - processesAtFirstSample,
      processesByCommand: Object.fromEntries(runner.byCommand),
      provisionerCalls: { ...provisioner.calls },
      steadyProvisionerCalls: totalCalls() - callsAtFirstSample,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      errors,
    });
    process.disconnect();
  });
});

function totalCalls(): number {
  return Object.values(provisioner.calls).reduce((a, b) => a + b, 0);
}
