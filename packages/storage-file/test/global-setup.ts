import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

/**
 * Child processes in the crash and concurrency tests run plain Node (no TypeScript loader: faster to
 * start, which matters for 50+ spawns), so bundle src/ for them. Inside the package's node_modules so
 * that `@autodev/learning` resolves exactly as it does for the package itself.
 */
export const FIXTURE_BUNDLE_DIR = fileURLToPath(new URL('../node_modules/.cache/storage-file-test/', import.meta.url));

export default async function setup(): Promise<void> {
  await build({
    entry: { index: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
    outDir: FIXTURE_BUNDLE_DIR,
    format: ['esm'],
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: true,
    silent: true,
    config: false,
    external: ['@autodev/learning'],
  });
}
