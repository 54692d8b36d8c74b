/** What agent-child.ts reports to bench:overhead when told to stop. */
export interface ChildReport {
  readonly type: 'report';
  /** Usage samples taken while running. */
  readonly samples: number;
  /** process.cpuUsage() since start-up finished (user + system), seconds. */
  readonly cpuSeconds: number;
  /** Processes spawned by prepare(), before the loop started. */
  readonly startupProcesses: number;
  /** Processes spawned after the first sample: the steady state. */
  readonly steadyProcesses: number;
  readonly processesByCommand: Record<string, number>;
  /** Every provisioner call, start-up included (the autoscaler lists owned volumes once at start). */
  readonly provisionerCalls: Record<string, number>;
  /** Provisioner calls after the first sample: each one would be an EC2 call. */
  readonly steadyProvisionerCalls: number;
  readonly maxRssBytes: number;
  readonly errors: readonly string[];
}
