import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vitest/config';

// Vite 8 transforms TypeScript with Oxc, which does not lower TC39 (stage 3) decorators yet
// (oxc-project/oxc#9170) and Node 20 cannot run them. Test files that use `@timed`/`@cached` go through
// esbuild first (target es2022 lowers standard decorators; experimentalDecorators stays off). esbuild is
// taken from tsx, a root devDependency, so no new dependency is needed.
const require = createRequire(import.meta.url);
interface EsbuildTransform {
  transform(code: string, options: Record<string, unknown>): Promise<{ code: string; map: string }>;
}
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as EsbuildTransform;

const lowerDecorators: Plugin = {
  name: 'autodev:lower-tc39-decorators',
  enforce: 'pre',
  async transform(code, id) {
    if (!/\.ts$/.test(id) || !/^\s*@[A-Za-z_$]/m.test(code)) return null;
    const out = await esbuild.transform(code, { loader: 'ts', target: 'es2022', sourcemap: true, sourcefile: id });
    return { code: out.code, map: out.map };
  },
};

export default defineConfig({
  plugins: [lowerDecorators],
  test: {
    include: ['test/**/*.test.ts'],
    // Type tests: `timed`/`cached` must keep the wrapped signature.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    benchmark: { include: ['bench/**/*.bench.ts'] },
    testTimeout: 30_000,
    // Benchmarks collect garbage between contenders so none pays for another's (see bench/lru.bench.ts).
    execArgv: ['--expose-gc'],
  },
});
