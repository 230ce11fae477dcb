import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  // Commands are split into chunks and loaded lazily so `autodev record` stays fast.
  splitting: true,
  // Optional packages, loaded at run time only when installed (`serve`, `--store http://`): never bundled.
  external: ['@autodev/server', '@autodev/storage-http'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
