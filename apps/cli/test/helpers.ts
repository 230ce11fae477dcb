import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = join(root, 'dist', 'cli.js');
export const fixtures = join(root, 'test', 'fixtures');
export const fixture = (name: string) => join(fixtures, name);

/** The environment for the CLI under test: no CI variables, no store override, no colour forcing. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(GITHUB_|CI_|CIRCLE_|BUILDKITE|AUTODEV_|GIT_COMMIT|BRANCH_NAME|BUILD_SOURCE|NO_COLOR|FORCE_COLOR)/.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `autodev` with `args` in `cwd`. */
export function cli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } & Pick<SpawnSyncOptions, 'stdio'>): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Returns a function that makes a fresh temporary folder on each call; all are removed after each test. */
export function useTempDir(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'autodev-cli-test-'));
    dirs.push(d);
    return d;
  };
}

/** Reads the JSON Lines store written by the CLI, without the header line. */
export function storeLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => !('format' in o));
}
