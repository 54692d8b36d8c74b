import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { LOG_LEVELS, type LogLevel } from '../config/agent-config.js';
import { runAgent } from '../agent/run-agent.js';
import { createAgentLogger } from '../observe/logger.js';
import { EXIT, type CliIo } from './io.js';

/** Credentials the simulator accepts; it checks none, but the SDK refuses to sign without some. */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'SIMULATOR', secretAccessKey: 'SIMULATOR' };

/**
 * `run`: the agent in the foreground until SIGTERM or SIGINT, then a graceful stop (an operation in
 * flight completes) and exit 0.
 */
export async function runCommand(args: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      simulator: { type: 'string' },
      imds: { type: 'string' },
      region: { type: 'string' },
      'metrics-port': { type: 'string' },
      'log-level': { type: 'string' },
      'json-logs': { type: 'boolean' },
      'run-dir': { type: 'string' },
    },
  });
  const level = values['log-level'];
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    io.stderr.write(`--log-level expects one of ${LOG_LEVELS.join(', ')}, got "${level}"\n`);
    return EXIT.usage;
  }
  const port = values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    io.stderr.write(`--metrics-port expects a port number, got "${values['metrics-port']}"\n`);
    return EXIT.usage;
  }
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_FILE);
  const logger = createAgentLogger({
    level: (level as LogLevel | undefined) ?? config.logging.level,
    destination: io.stdout,
    ...(values['json-logs'] ? { human: false } : {}),
    ...(config.logging.file ? { file: config.logging.file } : {}),
  });
  const agent = await runAgent({
    config,
    logger,
    ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}),
    ...(port === undefined ? {} : { metricsPort: port }),
    ...(values.simulator ? { ec2ClientConfig: { endpoint: values.simulator, region: values.region ?? 'us-east-1', credentials: SIMULATOR_CREDENTIALS } } : {}),
    ...(values.imds ? { metadataEndpoint: values.imds } : {}),
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      logger.info({ event: 'signal', signal }, `received ${signal}`);
      signals.off('SIGTERM', onSignal);
      signals.off('SIGINT', onSignal);
      resolve();
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
  await agent.stop();
  return EXIT.ok;
}
