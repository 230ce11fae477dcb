import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import type { TestProject } from 'vitest/node';

/**
 * Child processes in the crash and concurrency tests run plain Node (no TypeScript loader: faster to
 * start, which matters for 50+ spawns), so bundle src/ for them. Inside the package's node_modules so
 * that `@autodev/learning` resolves exactly as it does for the package itself; one folder per run, so
 * that concurrent runs never delete each other's bundle.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = fileURLToPath(new URL(`../node_modules/.cache/storage-file-test/${process.pid}-${randomBytes(4).toString('hex')}/`, import.meta.url));
  await build({
    entry: { index: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
    outDir: dir,
    format: ['esm'],
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    config: false,
    external: ['@autodev/learning'],
  });
  project.provide('fixtureBundleDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
