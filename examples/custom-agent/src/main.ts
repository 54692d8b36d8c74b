// Runs against the built packages (`pnpm build` first). Runs the custom agent for one virtual hour on in-memory parts: a disk that fills at 50 MiB/s.
// Swap in createBtrfsDriver() and createEbsProvisioner() for a real host.
import { GIB, MIB } from '@ebs-autoscale/core';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '@ebs-autoscale/core/testing';
import { CustomAgent } from './custom-agent.ts';

const clock = new ManualClock(Date.now());
const host = new MemoryHost();
const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, mountPoint: '/scratch' });
const agent = new CustomAgent({
  driver,
  provisioner: new InMemoryProvisioner({ host, clock, latencyMs: 3000 }),
  clock,
  notifier: { notify: (line) => console.log(`[${new Date(clock.now()).toISOString()}] ${line}`) },
});
agent.start();
for (let second = 0; second < 3600; second += 10) {
  driver.write(Math.min(500 * MIB, (await driver.usage()).availableBytes));
  await clock.advance(10_000);
}
await agent.stop();
const { addedVolumes, usage } = agent.autoscaler.status();
console.log(
  `after one hour: ${addedVolumes} volumes added, ${usage?.usedBytes && (usage.usedBytes / GIB).toFixed(0)} GiB used of ${usage && (usage.totalBytes / GIB).toFixed(0)} GiB`,
);
