import { packageBuild } from '../../tsup.base.ts';

// vitest is a peer dependency: the suite registers its tests in the caller's vitest, never a bundled copy.
export default packageBuild({ index: 'src/index.ts' }, { external: ['vitest'] });
