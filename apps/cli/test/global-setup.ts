import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import config from '../tsup.config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds dist/cli.js from the current sources, so the end-to-end tests run what users run. */
export default async function setup(): Promise<void> {
  for (const dep of ['learning', 'storage-file', 'performance', 'server', 'storage-http']) {
    if (!existsSync(join(root, '..', '..', 'packages', dep, 'dist', 'index.js')))
      throw new Error(`@autodev/${dep} is not built; run \`pnpm build\` (or \`pnpm turbo run test --filter @autodev/cli\`, which builds dependencies first)`);
  }
  const options = Array.isArray(config) ? config[0] : config;
  await build({ ...(options as object), config: false, silent: true, entry: { cli: join(root, 'src/cli.ts') }, outDir: join(root, 'dist') });
}
