#!/usr/bin/env node
import { parseCliArgs, USAGE } from './cli-args.js';
import { startEc2Simulator } from './simulator.js';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`ec2-sim: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = await startEc2Simulator(options);
  process.stdout.write(
    `${JSON.stringify({
      endpoint: sim.endpoint,
      imdsEndpoint: sim.imdsEndpoint,
      region: sim.region,
      instanceId: sim.instance.instanceId,
      availabilityZone: sim.instance.availabilityZone,
      backing: sim.backing,
      devRoot: sim.devRoot,
      sysRoot: sim.sysRoot,
      stateDir: sim.stateDir,
    })}\n`,
  );
  // Loop devices must not outlive the simulator: close (which detaches them) on the usual signals.
  const shutdown = () => {
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`ec2-sim: cleanup failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
