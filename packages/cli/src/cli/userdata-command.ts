import { parseArgs } from 'node:util';
import { TARGET_OS_PROFILES, TARGET_OSES, USERDATA_DRIVERS, type TargetOs, type UserdataDriver } from '../userdata/target-os.js';
import { buildUserData } from '../userdata/userdata.js';
import { EXIT, type CliIo } from './io.js';

/**
 * `userdata`: MIME multi-part user data that installs the agent from a release artifact at boot. Run on
 * a laptop before any host exists, so it reads no configuration; the defaults it used go to stderr.
 */
export function userdataCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      artifact: { type: 'string' },
      sha256: { type: 'string' },
      os: { type: 'string' },
      driver: { type: 'string' },
      mountpoint: { type: 'string', short: 'm' },
      before: { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (values.os !== undefined && !(TARGET_OSES as readonly string[]).includes(values.os)) {
    io.stderr.write(`--os expects one of ${TARGET_OSES.join(', ')}, got "${values.os}"\n`);
    return EXIT.usage;
  }
  if (values.driver !== undefined && !(USERDATA_DRIVERS as readonly string[]).includes(values.driver)) {
    io.stderr.write(`--driver expects one of ${USERDATA_DRIVERS.join(', ')}, got "${values.driver}"\n`);
    return EXIT.usage;
  }
  const os = (values.os ?? 'al2023') as TargetOs;
  const text = buildUserData({
    artifact: values.artifact ?? '',
    ...(values.sha256 ? { sha256: values.sha256 } : {}),
    os,
    ...(values.driver ? { driver: values.driver as UserdataDriver } : {}),
    ...(values.mountpoint ? { mountPoint: values.mountpoint } : {}),
    ...(values.before ? { orderBefore: values.before } : {}),
    installArgs: positionals,
  });
  const defaults = [
    ...(values.os === undefined ? ['--os al2023'] : []),
    ...(values.driver === undefined ? [`--driver ${TARGET_OS_PROFILES[os].defaultDriver}${os === 'al2023' ? ' (thin pool, xfs)' : ''}`] : []),
    ...(values.mountpoint === undefined ? ['--mountpoint /scratch'] : []),
    ...(values.sha256 === undefined ? ['the SHA256SUMS beside the s3 artifact'] : []),
  ];
  if (defaults.length > 0) io.stderr.write(`ebs-autoscale userdata: used the defaults ${defaults.join(', ')}\n`);
  io.stdout.write(text);
  return EXIT.ok;
}
