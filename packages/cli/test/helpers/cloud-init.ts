import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's python3, which has the cloud-init package's modules (a pyenv python on PATH would not). */
const PYTHON = '/usr/bin/python3';

/** Why cloud-init cannot read user data here, or undefined when it can. */
export const cloudInitMissing: string | undefined = (() => {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import cloudinit.user_data'], { encoding: 'utf8' });
  if (probe.status !== 0) return "Debian's cloud-init is not installed (apt-get install cloud-init; scripts/bootstrap.sh does)";
  return undefined;
})();

// cloud-init's own user-data processing: the MIME walk it does at boot, part by part.
const PARTS = `
import json, sys, tempfile
from cloudinit.helpers import Paths
from cloudinit.user_data import UserDataProcessor
work = tempfile.mkdtemp()
message = UserDataProcessor(Paths({'cloud_dir': work, 'run_dir': work})).process(open(sys.argv[1], 'rb').read())
parts = []
for part in message.walk():
    if part.get_content_maintype() == 'multipart':
        continue
    parts.append({'contentType': part.get_content_type(), 'body': part.get_payload(decode=True).decode('us-ascii')})
print(json.dumps(parts))
`;

/** The parts of a MIME user data, as cloud-init splits it. */
export function cloudInitParts(text: string, dir: string): { contentType: string; body: string }[] {
  const file = join(dir, 'user-data.txt');
  writeFileSync(file, text);
  const run = spawnSync(PYTHON, ['-c', PARTS, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cloud-init could not read the user data: ${run.stderr}`);
  return JSON.parse(run.stdout) as { contentType: string; body: string }[];
}

/** `cloud-init schema --config-file`: its exit status and what it said. */
export function cloudInitSchema(cloudConfig: string, dir: string): { status: number | null; output: string } {
  const file = join(dir, 'cloud-config.yaml');
  writeFileSync(file, cloudConfig);
  const run = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * The one bootcmd entry of the user data's cloud-config, as YAML reads it (Python's yaml, cloud-init's
 * own loader), without cloud-init: for the shell checks, which need no cloud-init installed.
 */
export function bootcmdOf(text: string): string {
  const start = text.indexOf('#cloud-config\n');
  const end = text.indexOf('\n--==MYBOUNDARY==', start);
  const yaml = text.slice(start, end);
  const run = spawnSync(PYTHON, ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())["bootcmd"]))'], {
    input: yaml,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the cloud-config is not YAML: ${run.stderr}`);
  const bootcmd = JSON.parse(run.stdout) as unknown[];
  if (bootcmd.length !== 1 || typeof bootcmd[0] !== 'string') throw new Error(`expected one bootcmd string, got ${run.stdout.slice(0, 200)}`);
  return bootcmd[0];
}
