import { EcsKnobError, readEcsCleanupKnobs, type EcsCleanupKnobs } from '@ebs-autoscale/reclaimer-docker';
import type { IssueList } from './issues.js';
import type { ObjectReader } from './object-reader.js';

/** The Docker reclaimer's section (`reclaim.docker`), checked. */
export interface DockerReclaimConfig {
  /** The Engine API socket; absent: `DOCKER_HOST`, else /var/run/docker.sock. */
  readonly socket?: string;
  /** ECS's agent configuration, read at start when it exists, for the knobs this section leaves out. */
  readonly ecsConfigFile: string;
  /** The knobs this section sets, under ECS's own names; they win over the file's. */
  readonly knobs: EcsCleanupKnobs;
}

/**
 * The `reclaim` section: its reclaimers, and core's round options (`ReclaimOptions`) in seconds:
 * `budgetSeconds`, the longest a round holds back a scale-up (default 30), and `cooldownSeconds`, the
 * pause after a round that freed less than asked (default 60).
 */
export interface ReclaimConfig {
  readonly docker?: DockerReclaimConfig;
  readonly budgetMs?: number;
  readonly cooldownMs?: number;
}

/** The agent's local API section (`reservations`), checked. */
export interface ReservationsConfig {
  readonly enabled: boolean;
  /** The group whose members may use the socket; absent: root only. */
  readonly group?: string;
}

// The ECS agent's names, as in /etc/ecs/ecs.config: whoever tuned ECS's cleanup needs no new words.
const ECS_KNOB_NAMES = [
  'ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION',
  'ECS_IMAGE_MINIMUM_CLEANUP_AGE',
  'NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE',
  'ECS_NUM_IMAGES_DELETE_PER_CYCLE',
  'ECS_EXCLUDE_UNTRACKED_IMAGE',
  'ECS_DISABLE_IMAGE_CLEANUP',
];
const GROUP: [RegExp, string] = [/^([a-z_][a-z0-9_-]{0,31}|\d+)$/, 'a group name (as groupadd takes it) or a gid'];

/**
 * Reads `reclaim: { docker: { socket, ecsConfigFile, ECS_… }, budgetSeconds, cooldownSeconds }`. Each ECS knob is a string as in
 * ecs.config (a count may be a number) and is checked here, so a bad one fails the configuration,
 * not the first reclaim.
 */
export function readReclaimConfig(reader: ObjectReader | undefined, issues: IssueList): ReclaimConfig | undefined {
  if (!reader) return undefined;
  const docker = reader.object('docker');
  const budgetSeconds = reader.number('budgetSeconds', { min: 0, max: 3600 });
  const cooldownSeconds = reader.number('cooldownSeconds', { min: 0, max: 86400 });
  reader.finish();
  const round = {
    ...(budgetSeconds === undefined ? {} : { budgetMs: budgetSeconds * 1000 }),
    ...(cooldownSeconds === undefined ? {} : { cooldownMs: cooldownSeconds * 1000 }),
  };
  if (!docker) return round;
  const socket = docker.string('socket', { absolutePath: true });
  const ecsConfigFile = docker.string('ecsConfigFile', { absolutePath: true }) ?? '/etc/ecs/ecs.config';
  const env: Record<string, string> = {};
  for (const name of ECS_KNOB_NAMES) {
    const value = docker.raw(name);
    if (value === undefined) continue;
    if (typeof value === 'string' || (typeof value === 'number' && name === 'ECS_NUM_IMAGES_DELETE_PER_CYCLE')) env[name] = String(value);
    else issues.expected(docker.at(name), name === 'ECS_NUM_IMAGES_DELETE_PER_CYCLE' ? 'a whole number' : 'a string, as in ecs.config', value);
  }
  let knobs: EcsCleanupKnobs = {};
  try {
    knobs = readEcsCleanupKnobs(env);
  } catch (error) {
    if (!(error instanceof EcsKnobError)) throw error;
    const name = ECS_KNOB_NAMES.find((n) => error.message.includes(`${n}=`)) ?? '';
    issues.add(docker.at(name), error.message.replace(/^\[reclaimer-docker\] /, ''));
  }
  docker.finish();
  return { ...round, docker: { ecsConfigFile, knobs, ...(socket ? { socket } : {}) } };
}

/** Reads `reservations: { enabled, group }`; absent, the API is on for root only. */
export function readReservationsConfig(reader: ObjectReader | undefined): ReservationsConfig {
  if (!reader) return { enabled: true };
  const enabled = reader.boolean('enabled') ?? true;
  const group = reader.string('group', { pattern: GROUP });
  reader.finish();
  return { enabled, ...(group ? { group } : {}) };
}
