import { parseArgs } from 'node:util';
import { loadLocatedConfig } from '../config/config-location.js';
import { LOG_LEVELS, type LogLevel } from '../config/agent-config.js';
import { runAgent } from '../agent/run-agent.js';
import { STOP_TIMEOUT_SECONDS } from '../systemd/systemd-unit.js';
import { mountPointOfInstance } from '../systemd/unit-names.js';
import { createAgentLogger } from '../observe/logger.js';
import { EXIT, type CliIo } from './io.js';
import { WORLD_OPTIONS, worldSettings } from './world-options.js';

/**
 * How long a stop waits for a scale-up in flight before abandoning it: a minute less than the unit's
 * TimeoutStopSec, so the abandon's clean-up (detach, delete) runs before systemd's SIGKILL. A scale-up
 * can outlast the unit's limit: one throttled EC2 call may retry for about 24 minutes.
 */
export const DEFAULT_STOP_GRACE_SECONDS = STOP_TIMEOUT_SECONDS - 60;

/**
 * The signals that stop `run` gracefully. SIGHUP too: a closed terminal or session sends it, and its
 * default action (exit 129) would end a scale-up between CreateVolume and the filesystem, leaving a
 * created, unattached volume (issue 12, item 5).
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * `run`: the agent in the foreground until SIGTERM, SIGINT or SIGHUP, then a graceful stop (an operation in
 * flight completes, or is abandoned and cleaned up after `--stop-grace` seconds) and exit 0.
 */
export async function runCommand(args: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      mountpoint: { type: 'string', short: 'm' },
      // What the unit template passes (`%i`): the mount point as its systemd-escaped instance name.
      instance: { type: 'string' },
      'config-dir': { type: 'string' },
      ...WORLD_OPTIONS,
      'metrics-port': { type: 'string' },
      'log-level': { type: 'string' },
      'json-logs': { type: 'boolean' },
      'run-dir': { type: 'string' },
      'stop-grace': { type: 'string' },
      'stray-settle': { type: 'string' },
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
  const grace = values['stop-grace'] === undefined ? DEFAULT_STOP_GRACE_SECONDS : Number(values['stop-grace']);
  if (!(Number.isFinite(grace) && grace >= 0)) {
    io.stderr.write(`--stop-grace expects seconds, 0 or more, got "${values['stop-grace']}"\n`);
    return EXIT.usage;
  }
  const settle = values['stray-settle'] === undefined ? undefined : Number(values['stray-settle']);
  if (settle !== undefined && !(Number.isFinite(settle) && settle >= 0)) {
    io.stderr.write(`--stray-settle expects seconds, 0 or more, got "${values['stray-settle']}"\n`);
    return EXIT.usage;
  }
  const world = worldSettings(values);
  // Listen before starting: a stop asked for during reconciliation or prepare is honoured once the
  // agent is up, instead of killing it midway with the default signal action.
  let signalled: (signal: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => (signalled = resolve));
  const onSignal = (signal: string) => signalled(signal);
  for (const signal of STOP_SIGNALS) signals.on(signal, onSignal);
  // Nothing else holds the process: every wait of start-up is an awaited operation (its timers and
  // child processes keep Node alive), and the started autoscaler keeps it alive until stop().
  try {
    const { config } = await loadLocatedConfig({ config: values.config, mountPoint: mountPoint(values), configDir: values['config-dir'] });
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
      ...(settle === undefined ? {} : { straySettleMs: settle * 1000 }),
      ...world,
    });
    const signal = await received;
    logger.info({ event: 'signal', signal }, `received ${signal}`);
    // A second signal while stopping is ignored. The operation in flight gets `grace` seconds to finish,
    // then is abandoned (its waits aborted, what it created cleaned up); systemd's TimeoutStopSec is the
    // hard limit, and the next start reconciles whatever a SIGKILL leaves.
    await agent.stop({ graceMs: grace * 1000 });
    return EXIT.ok;
  } finally {
    for (const signal of STOP_SIGNALS) signals.off(signal, onSignal);
  }
}

/** `--mountpoint`, or the mount point `--instance` stands for; given both, they must agree. */
function mountPoint(values: { mountpoint?: string | undefined; instance?: string | undefined }): string | undefined {
  const fromInstance = values.instance === undefined ? undefined : mountPointOfInstance(values.instance);
  if (fromInstance !== undefined && values.mountpoint !== undefined && fromInstance !== values.mountpoint) {
    throw Object.assign(new TypeError(`--instance ${values.instance} is ${fromInstance}, not --mountpoint ${values.mountpoint}; give one of them`), {
      code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    });
  }
  return fromInstance ?? values.mountpoint;
}
