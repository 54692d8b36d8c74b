import { createServer, type Server } from 'node:http';
import type { StorageAutoscaler } from '@ebs-autoscale/core';
import { modificationBudget } from '@ebs-autoscale/provisioner-ebs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The agent's Prometheus metrics. */
export interface AgentMetrics {
  readonly registry: Registry;
  /** Counts one EC2 API call (and whether it was throttled); fed from the provisioner's events. */
  recordEc2Call(action: string, outcome: 'ok' | 'throttled' | 'error', durationMs: number): void;
}

/**
 * Registers the gauges, counters and histograms of one autoscaler and keeps them current from its
 * events: capacity, used, every pressure gauge, volumes, scale operations and their durations, growths
 * by method, shrinks by outcome and the modification budget left per volume. Each agent gets its own
 * registry, so two in one process (tests) never collide.
 */
export function createAgentMetrics(autoscaler: StorageAutoscaler, clock: { now(): number } = Date): AgentMetrics {
  const registry = new Registry();
  const labels = { mount_point: autoscaler.driver.mountPoint };
  registry.setDefaultLabels(labels);
  const capacity = new Gauge({ name: 'ebs_autoscale_capacity_bytes', help: 'Usable capacity of the mount point.', registers: [registry] });
  const used = new Gauge({ name: 'ebs_autoscale_used_bytes', help: 'Bytes in use.', registers: [registry] });
  const available = new Gauge({ name: 'ebs_autoscale_available_bytes', help: 'Bytes that can still be written.', registers: [registry] });
  const pressure = new Gauge({
    name: 'ebs_autoscale_pressure_percent',
    help: 'Fill of each pressure gauge, 0-100.',
    labelNames: ['gauge'],
    registers: [registry],
  });
  const volumes = new Gauge({
    name: 'ebs_autoscale_volumes_added',
    help: "Volumes the agent owns on the mount point (status' addedVolumes).",
    registers: [registry],
  });
  const devices = new Gauge({ name: 'ebs_autoscale_devices', help: 'Block devices in the filesystem.', registers: [registry] });
  const scales = new Counter({
    name: 'ebs_autoscale_scale_operations_total',
    help: 'Scale operations by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const scaleSeconds = new Histogram({
    name: 'ebs_autoscale_scale_duration_seconds',
    help: 'From decision to grown filesystem.',
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const limits = new Counter({
    name: 'ebs_autoscale_limit_reached_total',
    help: 'Times a limit stopped growth.',
    labelNames: ['limit'],
    registers: [registry],
  });
  const ec2Calls = new Counter({
    name: 'ebs_autoscale_ec2_calls_total',
    help: 'EC2 API calls by action and outcome.',
    labelNames: ['action', 'outcome'],
    registers: [registry],
  });
  const ec2Seconds = new Histogram({
    name: 'ebs_autoscale_ec2_call_duration_seconds',
    help: 'EC2 API call latency.',
    labelNames: ['action'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });

  const growths = new Counter({
    name: 'ebs_autoscale_growths_total',
    help: 'Completed scale-ups by method: in-place (ModifyVolume of a volume already in the filesystem) or added-device.',
    labelNames: ['method'],
    registers: [registry],
  });
  const shrinks = new Counter({
    name: 'ebs_autoscale_shrinks_total',
    help: 'Device removals by outcome: released (volume deleted), kept (could not be proven unused), cancelled (the device stays).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'ebs_autoscale_modifications_left',
    help: "Modifications (ModifyVolume) EBS still allows now per volume in the filesystem, of its four in a rolling 24 h, counting this agent's.",
    labelNames: ['volume_id'],
    registers: [registry],
    // Read at every scrape: the window frees slots with time, not with events.
    collect() {
      this.reset();
      const status = autoscaler.status();
      const now = clock.now();
      for (const volume of status.volumes) {
        if (volume.device === undefined || !status.devices.includes(volume.device)) continue;
        const startedAt = status.inPlaceGrowths?.find((entry) => entry.volumeId === volume.volumeId)?.startedAt ?? [];
        this.set({ volume_id: volume.volumeId }, modificationBudget(startedAt, now).left);
      }
    },
  });
  // Every label at 0 from the start, so a dashboard sees "none yet" rather than no series.
  for (const method of ['in-place', 'added-device']) growths.inc({ method }, 0);
  for (const outcome of ['released', 'kept', 'cancelled']) shrinks.inc({ outcome }, 0);
  // A scale-up onto a volume already in the filesystem grew it in place; the set is taken at its start.
  let membersAtStart = new Set<string>();
  const members = () => {
    const status = autoscaler.status();
    return new Set(status.volumes.filter((v) => v.device !== undefined && status.devices.includes(v.device)).map((v) => v.volumeId));
  };
  autoscaler.on('scale:start', () => (membersAtStart = members()));

  autoscaler.on('usage:sample', ({ usage }) => {
    capacity.set(usage.totalBytes);
    used.set(usage.usedBytes);
    available.set(usage.availableBytes);
    for (const gauge of usage.gauges) pressure.set({ gauge: gauge.kind }, gauge.usedPercent);
    // From the status on every sample, not only on scale events: after a restart the agent owns the
    // volumes earlier runs added before it adds any.
    const status = autoscaler.status();
    volumes.set(status.addedVolumes);
    devices.set(status.devices.length);
  });
  autoscaler.on('scale:complete', (e) => {
    scales.inc({ outcome: 'complete' });
    growths.inc({ method: membersAtStart.has(e.volumeId) ? 'in-place' : 'added-device' });
    scaleSeconds.observe(e.durationMs / 1000);
    // Not only the samples': none is taken during a scale-up, and the next one is a policy interval away.
    volumes.set(autoscaler.status().addedVolumes);
  });
  autoscaler.on('scale:failed', () => scales.inc({ outcome: 'failed' }));
  autoscaler.on('limit:reached', (e) => limits.inc({ limit: e.limit }));
  autoscaler.on('volume:removed', (e) => shrinks.inc({ outcome: e.outcome }));
  return {
    registry,
    recordEc2Call(action, outcome, durationMs) {
      ec2Calls.inc({ action, outcome });
      ec2Seconds.observe({ action }, durationMs / 1000);
    },
  };
}

/** Serves `GET /metrics` on host:port. Resolves once listening. */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('Not found; try /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
