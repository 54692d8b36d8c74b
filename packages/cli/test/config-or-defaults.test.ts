import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { configOrDefaults } from '../src/config/config-or-defaults.js';
import { buildIamPolicy } from '../src/iam/iam-policy.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-or-defaults-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

it('without a config file, works from the defaults and says which (issue 13, item 7: iam-policy on a laptop)', async () => {
  const { config, usedDefaults } = await configOrDefaults(undefined, join(dir, 'ebs-autoscale.json'));
  expect(config).toMatchObject({ mountPoint: '/scratch', volume: { type: 'gp3', encrypted: true } });
  expect(usedDefaults).toBe(
    `no ${join(dir, 'ebs-autoscale.json')} here: this is for the defaults (mount point /scratch, gp3 volumes, encrypted); pass --config <file> for another configuration`,
  );
  // The policy for the defaults is a whole policy: create, attach, delete and DeleteOnTermination.
  const actions = buildIamPolicy(config, {}).Statement.flatMap((statement) => [statement.Action].flat());
  for (const action of ['ec2:CreateVolume', 'ec2:AttachVolume', 'ec2:DeleteVolume', 'ec2:ModifyInstanceAttribute']) expect(actions).toContain(action);
});

it('reads the default file when it exists, and a file given with --config must exist', async () => {
  const file = join(dir, 'ebs-autoscale.json');
  await writeFile(file, JSON.stringify({ version: 1, mountPoint: dir, volume: { type: 'gp2', encrypted: false } }));
  const read = await configOrDefaults(undefined, file);
  expect(read.usedDefaults).toBeUndefined();
  expect(read.config.volume).toMatchObject({ type: 'gp2', encrypted: false });
  await expect(configOrDefaults(join(dir, 'missing.json'), file)).rejects.toThrow(/missing\.json does not exist/);
});
