import { defineConfig, type Options } from 'tsup';

/**
 * The build every library package shares: ESM + CJS with type declarations and source maps for Node 20.
 * A package passes its entry points and, rarely, an override (e.g. `shims` for `import.meta.url` in CJS).
 */
export function libraryConfig(entry: Record<string, string>, overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
