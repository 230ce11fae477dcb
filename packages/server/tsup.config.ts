import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The dashboard serves uPlot from node_modules, found with createRequire(import.meta.url): the shim
  // gives the CJS build an import.meta.url.
  shims: true,
});
