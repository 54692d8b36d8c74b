import { GIB, StorageAutoscaler, type AutoscalerEvents, type ScalingPolicy, type SpaceReclaimer } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

/** A provisioner that counts provisions in flight, to prove that no two scale operations overlap. */
export class CountingProvisioner extends InMemoryProvisioner {
  inFlight = 0;
  maxInFlight = 0;
  override async provision(...args: Parameters<InMemoryProvisioner['provision']>): ReturnType<InMemoryProvisioner['provision']> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await super.provision(...args);
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** An in-memory autoscaler world on a virtual clock, with every event recorded by name. */
export function memoryWorld(
  options: {
    initialGiB?: number;
    latencyMs?: number;
    policy?: ScalingPolicy;
    reclaimers?: (driver: InMemoryDriver, clock: ManualClock) => SpaceReclaimer[];
  } = {},
) {
  const clock = new ManualClock(1_000_000);
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: (options.initialGiB ?? 100) * GIB });
  const provisioner = new CountingProvisioner({ host, clock, latencyMs: options.latencyMs ?? 0 });
  const autoscaler = new StorageAutoscaler({
    driver,
    provisioner,
    clock,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.reclaimers ? { reclaimers: options.reclaimers(driver, clock) } : {}),
    retry: { initialDelayMs: 10_000, factor: 2, jitter: 0 },
    capacity: { pollMs: 500, timeoutMs: 5_000 },
  });
  const events: { name: keyof AutoscalerEvents; payload: Record<string, unknown> }[] = [];
  const names: (keyof AutoscalerEvents)[] = [
    'scale:start',
    'scale:complete',
    'scale:failed',
    'limit:reached',
    'error',
    'reservation:granted',
    'reservation:released',
    'reservation:expired',
    'reservation:refused',
    'reclaim:start',
    'reclaim:done',
    'reclaim:failed',
    'reclaim:complete',
  ];
  for (const name of names) autoscaler.on(name, (payload: unknown) => events.push({ name, payload: payload as Record<string, unknown> }));
  const seen = (...wanted: (keyof AutoscalerEvents)[]) => events.map((e) => e.name).filter((n) => wanted.length === 0 || wanted.includes(n));
  const payload = <K extends keyof AutoscalerEvents>(name: K) => events.find((e) => e.name === name)?.payload as Parameters<AutoscalerEvents[K]>[0] | undefined;
  return { clock, host, driver, provisioner, autoscaler, events, seen, payload };
}
