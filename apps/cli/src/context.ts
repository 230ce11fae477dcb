import { existsSync, statSync } from 'node:fs';
import type { MetricStore } from '@autodev/learning';
import { colorEnabled, createColors, type Colors } from './output/color.js';
import { createProgress } from './output/progress.js';
import { openStoreAt, resolveStoreLocation, storeMissing, type StoreLocation } from './store-url.js';

/** Options every command accepts (defined on the root program). */
export interface GlobalOptions {
  store?: string;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** Where a command writes: data to `stdout`, notes and progress to `stderr`. Injectable for the demo. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
}

/** What a command gets: parsed global options, output helpers and lazy store access. */
export interface CommandContext {
  readonly options: Readonly<GlobalOptions>;
  readonly colors: Colors;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly streams: Streams;
  /** Writes a line of data to stdout (always, even with --quiet: data is what was asked for). */
  out(text: string): void;
  /** Writes a note to stderr unless --quiet. */
  note(text: string): void;
  /** Writes `value` as pretty JSON to stdout. */
  json(value: unknown): void;
  /** The resolved store location (without opening it). */
  storeLocation(): StoreLocation;
  /**
   * Opens the store. With `{ readOnly: true }` a store that does not exist yet is not created: for a file
   * store an empty in-memory store stands in; a plugin that understands `readOnly` returns an empty store
   * with `exists: false`. Either way a note says so.
   */
  openStore(options?: { readOnly?: boolean }): Promise<MetricStore>;
}

/** Builds the context of one command run. */
export function createContext(options: GlobalOptions, streams: Streams = { stdout: process.stdout, stderr: process.stderr }, env = process.env, cwd = process.cwd()): CommandContext {
  const colors = createColors(colorEnabled(streams.stdout, env));
  let location: StoreLocation | undefined;
  const ctx: CommandContext = {
    options,
    colors,
    env,
    cwd,
    streams,
    out: (text) => void streams.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    note: (text) => {
      if (!options.quiet) streams.stderr.write(text.endsWith('\n') ? text : text + '\n');
    },
    json: (value) => void streams.stdout.write(JSON.stringify(value, null, 2) + '\n'),
    storeLocation: () => (location ??= resolveStoreLocation(options.store, env, cwd)),
    async openStore({ readOnly = false } = {}) {
      const loc = ctx.storeLocation();
      // A read-only command must not create the store (a typo in --store would leave an empty one behind).
      // Plugins are asked with openStore(url, { readOnly }) and answer `exists: false` (see openStoreAt).
      const noStoreYet = () => ctx.note(`no store at ${loc.display} yet: nothing recorded (record with \`autodev record\`, \`autodev run\` or \`autodev import\`)`);
      if (readOnly && loc.kind === 'file' && !existsSync(loc.path)) {
        noStoreYet();
        const { createMemoryStore } = await import('@autodev/learning');
        return createMemoryStore();
      }
      // The file store reads the whole file when it opens: on a TTY, show that something is happening.
      let size = 0;
      if (loc.kind === 'file' && !options.quiet && process.stderr.isTTY) {
        try {
          size = statSync(loc.path).size;
        } catch {
          size = 0;
        }
      }
      const progress = createProgress(`reading ${loc.display} (${Math.round(size / 1e6)} MB)`, 0, { enabled: size >= 16e6 });
      const timer = size >= 16e6 ? setInterval(() => progress.update(0), 80) : undefined;
      try {
        const store = await openStoreAt(loc, { readOnly, cwd, onWarning: (m) => ctx.note(`autodev: warning: ${m}`) });
        if (readOnly && storeMissing(store)) noStoreYet();
        return store;
      } finally {
        if (timer) clearInterval(timer);
        progress.done();
      }
    },
  };
  return ctx;
}
