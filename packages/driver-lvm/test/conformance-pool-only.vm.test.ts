import { runLvmConformance } from './conformance.js';

// Runs in the VM (`pnpm test:vm`): the host kernel has no device-mapper.
const noFilesystem = 'pool-only makes no filesystem: the data belongs to the pool’s consumer (e.g. Docker), not to the driver';
runLvmConformance('pool-only', { 'prepare-preserves-data': noFilesystem, 'extend-preserves-data': noFilesystem });
