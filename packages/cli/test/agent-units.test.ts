import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedInstances, planUnits, writeUnits } from '../src/install/agent-units.js';
import { mountConfigPath } from '../src/config/config-location.js';
import { buildUnitTemplate } from '../src/systemd/systemd-unit.js';
import { dropInPathFor, TEMPLATE_NAME } from '../src/systemd/unit-names.js';

let unitDir: string;
beforeEach(async () => {
  unitDir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-units-'));
});
afterEach(async () => {
  await rm(unitDir, { recursive: true, force: true });
});

const command = { nodePath: '/opt/ebs-autoscale/bin/node', binPath: '/opt/ebs-autoscale/lib/ebs-autoscale.js' };

describe('which unit files install writes', () => {
  it('the template alone for a configuration where `run --instance` finds it (what user data gets)', async () => {
    // /etc/ebs-autoscale.d/<instance>.json is only read here, never written.
    const plan = await planUnits({ unitDir, mountPoint: '/var/lib/docker', configPath: mountConfigPath('/var/lib/docker'), ...command });
    expect(plan).toEqual({
      unitName: 'ebs-autoscale@var-lib-docker.service',
      templatePath: join(unitDir, TEMPLATE_NAME),
      template: buildUnitTemplate(command),
      dropInPath: dropInPathFor(unitDir, '/var/lib/docker'),
    });
  });

  it('a drop-in for a configuration elsewhere, run arguments, or a template of other node and bin', async () => {
    const elsewhere = await planUnits({ unitDir, mountPoint: '/data', configPath: '/srv/data.json', ...command });
    expect(elsewhere.dropIn).toContain(' run --instance %i --config /srv/data.json\n');
    const world = await planUnits({
      unitDir,
      mountPoint: '/data',
      configPath: mountConfigPath('/data'),
      runArgs: ['--simulator', 'http://127.0.0.1:1'],
      ...command,
    });
    expect(world.dropIn).toContain(' run --instance %i --simulator http://127.0.0.1:1\n');

    const written: string[] = [];
    await writeUnits(await planUnits({ unitDir, mountPoint: '/a', configPath: mountConfigPath('/a'), ...command }), written);
    expect(written).toEqual([join(unitDir, TEMPLATE_NAME)]);
    // A second artifact unpacked elsewhere: the template stays (/a runs it); /b runs its own node and bin.
    const other = await planUnits({ unitDir, mountPoint: '/b', configPath: mountConfigPath('/b'), nodePath: '/usr/bin/node', binPath: '/x/ebs-autoscale.js' });
    expect(other.template).toBeUndefined();
    expect(other.dropIn).toContain('ExecStart=/usr/bin/node /x/ebs-autoscale.js run --instance %i\n');
  });

  it('refuses a template or drop-in of our names that someone else wrote, before anything is created', async () => {
    await writeFile(join(unitDir, TEMPLATE_NAME), '[Unit]\n');
    await expect(planUnits({ unitDir, mountPoint: '/a', configPath: '/a.json', ...command })).rejects.toThrow(
      /ebs-autoscale@\.service exists and was not written by ebs-autoscale install/,
    );
  });

  it('lists the installed instances: enabled ones and those with our drop-in', async () => {
    await mkdir(join(unitDir, 'multi-user.target.wants'));
    await symlink(join(unitDir, TEMPLATE_NAME), join(unitDir, 'multi-user.target.wants', 'ebs-autoscale@a.service'));
    await symlink('/dev/null', join(unitDir, 'multi-user.target.wants', 'docker.service'));
    await mkdir(join(unitDir, 'ebs-autoscale@b.service.d'));
    await mkdir(join(unitDir, 'ebs-autoscale@.service.d'));
    expect(await installedInstances(unitDir)).toEqual(['ebs-autoscale@a.service', 'ebs-autoscale@b.service']);
    expect(existsSync(join(unitDir, TEMPLATE_NAME))).toBe(false);
  });
});
