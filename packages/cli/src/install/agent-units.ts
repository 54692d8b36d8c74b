import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EbsAutoscaleError, type CommandRunner } from '@ebs-autoscale/core';
import { locateConfig, mountConfigPath } from '../config/config-location.js';
import { DEFAULT_CONFIG_FILE } from '../config/load-config.js';
import { buildInstanceDropIn, buildUnitTemplate, UNIT_HEADER } from '../systemd/systemd-unit.js';
import { dropInPathFor, instanceNameFor, instanceOfUnitName, TEMPLATE_NAME, unitNameFor } from '../systemd/unit-names.js';

/** What install writes for one mount point's agent: the shared template and, when needed, the instance's drop-in. */
export interface UnitPlan {
  /** `ebs-autoscale@<instance>.service`. */
  readonly unitName: string;
  readonly templatePath: string;
  /** The template to write; undefined when the one there stays (ours, identical or not). */
  readonly template?: string;
  readonly dropInPath: string;
  /** The drop-in this instance needs; undefined when the template alone runs it. */
  readonly dropIn?: string;
}

/** What {@link planUnits} needs: where the units go, and what the agent runs with. */
export interface UnitPlanOptions {
  readonly unitDir: string;
  readonly mountPoint: string;
  readonly configPath: string;
  readonly nodePath: string;
  readonly binPath: string;
  readonly runArgs?: readonly string[];
}

/**
 * Decides the unit files before anything is created, refusing what cannot be written: a mount point
 * too long for an instance name, a value with a control character, a template or drop-in of ours'
 * name that someone else wrote. A template of ours that differs (another artifact's node and bin, an
 * earlier version) is left as it is, since other mount points' agents run it; this instance then
 * gets its full command in its drop-in.
 */
export async function planUnits(options: UnitPlanOptions): Promise<UnitPlan> {
  const { unitDir, mountPoint } = options;
  instanceNameFor(mountPoint);
  const command = { nodePath: options.nodePath, binPath: options.binPath };
  const wanted = buildUnitTemplate(command);
  const templatePath = join(unitDir, TEMPLATE_NAME);
  const present = await ourFile(templatePath);
  const dropInPath = dropInPathFor(unitDir, mountPoint);
  await ourFile(dropInPath);
  // `run --instance` finds the configuration by the mount point in the default places; anything else is named.
  // (Looked up only for a file in one of those places: a test's temporary file never depends on the host's /etc.)
  const usual = options.configPath === mountConfigPath(mountPoint) || options.configPath === DEFAULT_CONFIG_FILE;
  const configPath = usual && (await locateConfig({ mountPoint })).file === options.configPath ? undefined : options.configPath;
  const runArgs = options.runArgs ?? [];
  const needsDropIn = configPath !== undefined || runArgs.length > 0 || (present !== undefined && present !== wanted);
  const dropIn = needsDropIn ? buildInstanceDropIn({ ...command, ...(configPath === undefined ? {} : { configPath }), runArgs }) : undefined;
  return {
    unitName: unitNameFor(mountPoint),
    templatePath,
    ...(present === undefined ? { template: wanted } : {}),
    dropInPath,
    ...(dropIn === undefined ? {} : { dropIn }),
  };
}

/** Writes what the plan says; returns what it changed, and pushes each file it wrote to `written` (for an undo). */
export async function writeUnits(plan: UnitPlan, written: string[]): Promise<string[]> {
  const changed: string[] = [];
  if (plan.template !== undefined && (await readFile(plan.templatePath, 'utf8').catch(() => undefined)) !== plan.template) {
    await mkdir(dirname(plan.templatePath), { recursive: true });
    await writeFile(plan.templatePath, plan.template, { mode: 0o644 });
    written.push(plan.templatePath);
    changed.push(`wrote ${plan.templatePath}`);
  }
  const dropIn = await readFile(plan.dropInPath, 'utf8').catch(() => undefined);
  if (plan.dropIn !== undefined && dropIn !== plan.dropIn) {
    await mkdir(dirname(plan.dropInPath), { recursive: true });
    await writeFile(plan.dropInPath, plan.dropIn, { mode: 0o644 });
    written.push(plan.dropInPath);
    changed.push(`wrote ${plan.dropInPath}`);
  } else if (plan.dropIn === undefined && dropIn !== undefined) {
    await removeDropIn(plan.dropInPath);
    changed.push(`removed ${plan.dropInPath}: the template alone runs this agent now`);
  }
  return changed;
}

/**
 * Starts the instance in place of the units of earlier versions without a moment with two agents or
 * with none for long: reload, stop the old units (a scale-up in flight finishes first), start the
 * instance, and only then remove the old files. If the instance does not start, the old units are
 * started again and the error goes up: the host keeps its agent.
 */
export async function startInstance(runner: CommandRunner, unitDir: string, unitName: string, legacy: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  await runner.run('systemctl', ['daemon-reload']);
  for (const old of legacy) await runner.run('systemctl', ['disable', '--now', old]);
  try {
    await runner.run('systemctl', ['enable', '--now', unitName]);
  } catch (error) {
    for (const old of legacy) await runner.run('systemctl', ['enable', '--now', old], { allowFailure: true });
    throw error;
  }
  changed.push(`enabled and started ${unitName}`);
  for (const old of legacy) {
    await rm(join(unitDir, old), { force: true });
    changed.push(`retired ${join(unitDir, old)}, the unit of an earlier version (stopped, disabled, removed)`);
  }
  if (legacy.length > 0) await runner.run('systemctl', ['daemon-reload']);
  return changed;
}

/**
 * The instances of the template that are installed here, as unit names: enabled (a link in a
 * `*.wants` directory) or given a drop-in by install. What `status` lists, and what keeps the
 * template in place when one mount point is uninstalled.
 */
export async function installedInstances(unitDir: string): Promise<string[]> {
  const names = new Set<string>();
  const entries = await readdir(unitDir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry.endsWith('.d') && instanceOfUnitName(entry.slice(0, -2)) !== undefined) names.add(entry.slice(0, -2));
    if (entry.endsWith('.wants') || entry.endsWith('.requires')) {
      for (const link of await readdir(join(unitDir, entry)).catch(() => [] as string[])) if (instanceOfUnitName(link) !== undefined) names.add(link);
    }
  }
  return [...names].sort();
}

/** Removes install's drop-in, and its directory when nothing else (an operator's override) is in it. */
export async function removeDropIn(path: string): Promise<void> {
  await rm(path, { force: true });
  await rmdir(dirname(path)).catch(() => undefined);
}

/** A file's text when it is ours, undefined when absent; refuses one of our names that someone else wrote. */
async function ourFile(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text !== undefined && !text.startsWith(UNIT_HEADER)) {
    throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${path} exists and was not written by ebs-autoscale install; nothing was changed.`, {
      hint: `Move it away if it is not needed (ebs-autoscale writes its own there), or keep your own settings in an override.conf beside it (systemctl edit).`,
    });
  }
  return text;
}
