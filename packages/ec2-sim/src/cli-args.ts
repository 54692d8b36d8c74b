import { parseArgs } from 'node:util';
import type { Ec2SimulatorOptions } from './options.js';

export const USAGE = `Usage: ec2-sim [--backing memory|loop] [--port N] [--imds-port N] [--state-dir DIR]
               [--latencies zero|quick|realistic] [--seed N] [--bytes-per-gib N] [--availability-zone AZ]

Starts a local EC2 (Query API) + IMDSv2 simulator on 127.0.0.1, prints its endpoints as one JSON
line, and runs until SIGINT/SIGTERM. The loop backing needs root.`;

/** Parses the `ec2-sim` command line into simulator options; throws with a readable message. */
export function parseCliArgs(argv: readonly string[]): Ec2SimulatorOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      backing: { type: 'string' },
      port: { type: 'string' },
      'imds-port': { type: 'string' },
      'state-dir': { type: 'string' },
      latencies: { type: 'string' },
      seed: { type: 'string' },
      'bytes-per-gib': { type: 'string' },
      'availability-zone': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const backing = values.backing ?? 'memory';
  if (backing !== 'memory' && backing !== 'loop') throw new Error(`--backing must be memory or loop, not ${backing}`);
  const latencies = values.latencies ?? 'realistic';
  if (latencies !== 'zero' && latencies !== 'quick' && latencies !== 'realistic')
    throw new Error(`--latencies must be zero, quick or realistic, not ${latencies}`);
  return {
    backing,
    latencies,
    port: integer(values.port, '--port') ?? 0,
    imdsPort: integer(values['imds-port'], '--imds-port') ?? 0,
    stateDir: values['state-dir'],
    seed: integer(values.seed, '--seed'),
    bytesPerGiB: integer(values['bytes-per-gib'], '--bytes-per-gib'),
    instance: values['availability-zone'] ? { availabilityZone: values['availability-zone'] } : undefined,
  };
}

function integer(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, not ${raw}`);
  return value;
}
