import { parseArgs } from 'node:util';
import { buildUserData } from '../userdata/userdata.js';
import { EXIT, type CliIo } from './io.js';

/** `userdata`: MIME multi-part user data that installs and starts the agent. */
export function userdataCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, options: { mountpoint: { type: 'string', short: 'm' }, package: { type: 'string' } }, allowPositionals: true });
  io.stdout.write(
    buildUserData({
      ...(values.mountpoint ? { mountPoint: values.mountpoint } : {}),
      ...(values.package ? { packageSpec: values.package } : {}),
      installArgs: positionals,
    }),
  );
  return EXIT.ok;
}
