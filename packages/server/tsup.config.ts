import { libraryConfig } from '../../tsup.base.js';

// The dashboard serves uPlot from node_modules, found with createRequire(import.meta.url): the shim gives the
// CJS build an import.meta.url.
export default libraryConfig({ index: 'src/index.ts' }, { shims: true });
