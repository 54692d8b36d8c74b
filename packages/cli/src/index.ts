export type { AgentConfig, DriverConfig, PolicyConfig, VolumeConfig, LogLevel } from './config/agent-config.js';
export { INSTALL_DEFAULTS, LOG_LEVELS } from './config/agent-config.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config/issues.js';
export { parseConfig, parseConfigText, loadConfig, DEFAULT_CONFIG_FILE } from './config/load-config.js';
export { canonicalMountPoint } from './config/mount-point.js';
export { parseLegacyConfig } from './config/legacy-config.js';
export { parseV1Config } from './config/v1-config.js';
export {
  buildIamPolicy,
  DEFAULT_OWNERSHIP_TAG,
  SOURCE_INSTANCE_ARN_VARIABLE,
  type IamPolicy,
  type IamStatement,
  type IamPolicyOptions,
} from './iam/iam-policy.js';
export { buildUserData, USER_DATA_LIMIT_BYTES, type UserDataOptions, type UserDataFile } from './userdata/userdata.js';
export { MIME_BOUNDARY } from './userdata/mime.js';
export { formatStatus, describeDecision, type FormatStatusOptions } from './status/format-status.js';
export { statusFilePath, readStatusReport, writeStatusReport, type StatusReport } from './run-dir/status-file.js';
export { acquireMountLock, lockFileName, processIsAlive, DEFAULT_RUN_DIR, type MountLock, type MountLockOptions } from './run-dir/lock.js';
export { buildAgent, buildPolicy, type BuildAgentOptions, type BuiltAgent } from './agent/build-agent.js';
export { runAgent, type RunAgentOptions, type RunningAgent } from './agent/run-agent.js';
export { createAgentLogger, formatHumanLine, type AgentLoggerOptions } from './observe/logger.js';
export { logAutoscalerEvents } from './observe/log-events.js';
export { createAgentMetrics, serveMetrics, type AgentMetrics } from './observe/metrics.js';
export { runDemo, formatDemoSummary, type DemoOptions, type DemoSummary, type DemoView } from './demo/run-demo.js';
export type { DemoEvent, DemoScaleUp } from './demo/demo-timeline.js';
export type { FillStats } from './demo/filler.js';
export { DEMO_DEFAULTS } from './demo/demo-config.js';
export { installAgent, type InstallResult } from './install/install-agent.js';
export { uninstallAgent, type UninstallOptions, type UninstallResult } from './install/uninstall-agent.js';
export type { HostPaths, InstallOptions } from './install/install-options.js';
export {
  buildUnitTemplate,
  buildInstanceDropIn,
  UNIT_HEADER,
  STOP_TIMEOUT_SECONDS,
  type AgentCommand,
  type InstanceDropInOptions,
} from './systemd/systemd-unit.js';
export { systemdQuote } from './systemd/systemd-quote.js';
export {
  unitNameFor,
  instanceNameFor,
  mountPointOfInstance,
  dropInPathFor,
  TEMPLATE_NAME,
  DROP_IN_NAME,
  HOST_UNIT_NAME,
  perMountUnitNameFor,
} from './systemd/unit-names.js';
export { escapeSystemdPath, unescapeSystemdPath } from './systemd/systemd-escape.js';
export { DEFAULT_CONFIG_DIR, mountConfigPath, locateConfig, loadLocatedConfig, type ConfigQuery, type ConfigLocation } from './config/config-location.js';
export { deviceKind, type DeviceKind } from './install/device-kind.js';
export { withDeadline } from './install/deadline.js';
export { describeDistribution, parseOsRelease, readOsRelease, OS_RELEASE_PATHS, type OsRelease, type Distribution } from './host/distribution.js';
export { checkPrerequisites, requiredTools, resolveDriver, describeDriver, type ResolvedDriver, type MissingTool } from './host/prerequisites.js';
export { scaledCapacity } from './agent/scaled-capacity.js';
export { serveReservations, type ReservationApiOptions } from './reservations/reservation-api.js';
export { ReservationService, ReservationRequestError, type ReservationLog } from './reservations/reservation-service.js';
export { ReservationJournal, type JournalEntry } from './reservations/reservation-journal.js';
export { PidWatch } from './reservations/pid-watch.js';
export { reservationSocketPath } from './reservations/api-socket.js';
export { callReservationApi, type ApiAnswer } from './reservations/api-client.js';
export type { ReservationHost } from './reservations/reservation-host.js';
export type { ProcessIdentity } from './reservations/process-identity.js';
export { readReservationBody, type ReservationBody, type BodyProblem } from './reservations/reservation-body.js';
export type { DockerReclaimConfig, ReclaimConfig, ReservationsConfig } from './config/reclaim-config.js';
