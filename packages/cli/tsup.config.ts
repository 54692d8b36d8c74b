import { packageBuild } from '../../tsup.base.ts';

// Splitting: each command's dynamic import becomes its own chunk with its own package imports, so
// `--help` does not load the AWS SDK or the simulator (unsplit, esbuild hoists them to the top of main.js).
export default packageBuild({ index: 'src/index.ts', main: 'src/main.ts' }, { splitting: true });
