import { EXIT, processIo, type CliIo } from './io.js';
import { commandUsage, USAGE, wantsHelp } from './usage.js';

// Each command's module is imported when that command runs, not here: `--help` then loads no AWS SDK,
// no simulator and no pino, and `config` loads no SDK (issue 13, item 3: --help took 0.9–1.3 s and
// 150 MB when everything was imported up front). The release bundle makes each one a lazy chunk.

/**
 * The `ebs-autoscale` command line. Arguments are parsed with `node:util` parseArgs: a handful of
 * subcommands with flat options need no framework, and it adds no dependency to an agent that runs as
 * root on every host. Returns the exit code; never calls `process.exit`, so tests run it in-process.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['iam-policy', '--config', '/etc/ebs-autoscale.json']);
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  // `<command> --help` and `help <command>` print that command's help, before any option parsing.
  const helpFor = command === 'help' ? args[0] : command !== undefined && wantsHelp(args) ? command : undefined;
  const help = helpFor === undefined ? undefined : commandUsage(helpFor);
  if (help) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case 'run': {
        const { runCommand } = await import('./run-command.js');
        return await runCommand(args, io);
      }
      case 'status': {
        const { statusCommand } = await import('./status-command.js');
        return await statusCommand(args, io);
      }
      case 'demo': {
        const { demoCommand } = await import('./demo-command.js');
        return await demoCommand(args, io);
      }
      case 'config': {
        const { configCommand } = await import('./simple-commands.js');
        return await configCommand(args, io);
      }
      case 'iam-policy': {
        const { iamPolicyCommand } = await import('./simple-commands.js');
        return await iamPolicyCommand(args, io);
      }
      case 'userdata': {
        const { userdataCommand } = await import('./userdata-command.js');
        return userdataCommand(args, io);
      }
      case 'reserve': {
        const { reserveCommand } = await import('./reserve-command.js');
        return await reserveCommand(args, io);
      }
      case 'release': {
        const { releaseCommand } = await import('./reserve-command.js');
        return await releaseCommand(args, io);
      }
      case 'install': {
        const { installCommand } = await import('./install-command.js');
        return await installCommand(args, io);
      }
      case 'uninstall': {
        const { uninstallCommand } = await import('./install-command.js');
        return await uninstallCommand(args, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        io.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (error) {
    return await reportError(error, io);
  }
}

/**
 * Prints an error for people: our errors as their message and hint, anything else with its stack.
 * The error classes are imported here, on the error path, so a command that succeeds loads only its own.
 */
async function reportError(error: unknown, io: CliIo): Promise<number> {
  const [{ EbsAutoscaleError }, { ConfigError }] = await Promise.all([import('@ebs-autoscale/core'), import('../config/issues.js')]);
  if (error instanceof ConfigError) {
    io.stderr.write(`${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof EbsAutoscaleError) {
    io.stderr.write(`${error.message}\n`);
    return EXIT.failed;
  }
  // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`${(error as Error).message}\nRun \`ebs-autoscale help\` for the options.\n`);
    return EXIT.usage;
  }
  io.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failed;
}
