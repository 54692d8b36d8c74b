import { createServer, type Server } from 'node:http';
import type { StorageAutoscaler } from '@ebs-autoscale/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The agent's Prometheus metrics. */
export interface AgentMetrics {
  readonly registry: Registry;
  /** Counts one EC2 API call (and whether it was throttled); fed from the provisioner's events. */
  recordEc2Call(action: string, outcome: 'ok' | 'throttled' | 'error', durationMs: number): void;
}

/**
 * Registers the gauges, counters and histograms of one autoscaler and keeps them current from its
 * events: capacity, used, every pressure gauge, volumes, scale operations and their durations. Each
 * agent gets its own registry, so two in one process (tests) never collide.
 */
export function createAgentMetrics(autoscaler: StorageAutoscaler): AgentMetrics {
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
    scaleSeconds.observe(e.durationMs / 1000);
    // Not only the samples': none is taken during a scale-up, and the next one is a policy interval away.
    volumes.set(autoscaler.status().addedVolumes);
  });
  autoscaler.on('scale:failed', () => scales.inc({ outcome: 'failed' }));
  autoscaler.on('limit:reached', (e) => limits.inc({ limit: e.limit }));
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
