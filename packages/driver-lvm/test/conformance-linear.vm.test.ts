import { runLvmConformance } from './conformance.js';

// Runs in the VM (`pnpm test:vm`): the host kernel has no device-mapper.
runLvmConformance('linear');
