import { CliError } from './errors.js';
import type { JsonValue, Metadata } from '@autodev/learning';

/**
 * Parses `key=value` (value kept as a string) or `key:=json` (value parsed as JSON, e.g. `pr:=42`,
 * `flaky:=true`), the httpie convention, so metadata written by scripts and by library users can be
 * matched exactly.
 * @throws {CliError} BAD_ARGUMENT naming the option and the pair when it is malformed.
 * @example
 * parseKeyValue('--meta', 'branch=main') // ['branch', 'main']
 */
export function parseKeyValue(option: string, pair: string): [string, JsonValue] {
  const json = /^([^=:]+):=(.*)$/s.exec(pair);
  if (json) {
    const key = json[1]!.trim();
    try {
      return [key, JSON.parse(json[2]!) as JsonValue];
    } catch {
      throw new CliError('BAD_ARGUMENT', `${option} ${JSON.stringify(pair)}: the value after ":=" must be JSON (42, true, "text"), got ${JSON.stringify(json[2])}`);
    }
  }
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new CliError('BAD_ARGUMENT', `${option} ${JSON.stringify(pair)} must look like key=value (for example ${option} branch=main)`);
  const key = pair.slice(0, eq).trim();
  if (key === '') throw new CliError('BAD_ARGUMENT', `${option} ${JSON.stringify(pair)} has an empty key; use key=value`);
  return [key, pair.slice(eq + 1)];
}

/** Parses repeated `key=value` options into one object (later keys win). */
export function parsePairs(option: string, pairs: readonly string[] | undefined): Metadata {
  const out: Metadata = {};
  for (const p of pairs ?? []) {
    const [k, v] = parseKeyValue(option, p);
    out[k] = v;
  }
  return out;
}

/**
 * When a `key=value` filter matched nothing, the usual cause is a value recorded as a number or boolean
 * (`--meta pr:=59`, or by a library user) but matched as text (`--where pr=59` compares the string "59").
 * Returns a sentence suggesting the `:=` form for such values, or undefined when no value looks like one.
 * @example
 * whereTypeHint('--where', { pr: '59' }) // '--where pr=59 matches the text "59"; for a number recorded …'
 */
export function whereTypeHint(option: string, where: Metadata | undefined): string | undefined {
  for (const [key, value] of Object.entries(where ?? {})) {
    if (typeof value !== 'string' || !/^\s*(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)\s*$/.test(value)) continue;
    return `${option} ${key}=${value} matches the text "${value}"; for a ${/true|false/.test(value) ? 'boolean' : value.trim() === 'null' ? 'null' : 'number'} recorded with ${key}:=${value.trim()}, use ${option} ${key}:=${value.trim()}`;
  }
  return undefined;
}

/** Commander collector for repeatable options: `--meta a=1 --meta b=2` → `['a=1', 'b=2']`. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** A decimal number as people write one: `12`, `-0.5`, `.5`, `1e-3`. Not `0x10` or `0b11`, which Number() takes. */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * Parses a finite number given on the command line.
 * @throws {CliError} BAD_ARGUMENT naming the argument.
 */
export function parseFiniteNumber(what: string, raw: string): number {
  const v = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(v)) throw new CliError('BAD_ARGUMENT', `${what} must be a finite number such as 12.5, got ${JSON.stringify(raw)}`);
  return v;
}

/**
 * Parses a whole number within bounds.
 * @throws {CliError} BAD_ARGUMENT naming the option and the range.
 */
export function parseInteger(what: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new CliError('BAD_ARGUMENT', `${what} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got ${JSON.stringify(raw)}`);
  return v;
}

/**
 * Parses a probability in [0, 1].
 * @throws {CliError} BAD_ARGUMENT naming the option.
 */
export function parseProbability(what: string, raw: string): number {
  const v = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new CliError('BAD_ARGUMENT', `${what} must be a number from 0 to 1 such as 0.8, got ${JSON.stringify(raw)}`);
  return v;
}

/** How far ahead of this machine's clock a record may be dated: clocks of CI runners differ by seconds, not minutes. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** How far `ms` is ahead of `now`, in words ("3 days"), or undefined when it is not more than MAX_CLOCK_SKEW_MS ahead. */
export function aheadOfClock(ms: number, now = Date.now()): string | undefined {
  if (ms <= now + MAX_CLOCK_SKEW_MS) return undefined;
  const ahead = ms - now;
  return ahead >= 2 * 86_400_000 ? `${Math.round(ahead / 86_400_000)} days` : ahead >= 2 * 3_600_000 ? `${Math.round(ahead / 3_600_000)} hours` : `${Math.round(ahead / 60_000)} minutes`;
}

/**
 * Refuses a record time in the future. Stores and every analysis order runs by timestamp, so a record dated ahead
 * (a typo in --at, a local time read as UTC, a runner with a wrong clock) stays the "newest run" until that date:
 * `check` would judge it instead of the real newest run, and every later regression would pass unseen.
 * @throws {CliError} BAD_ARGUMENT (or `code`) naming `what` and how far ahead it is.
 */
export function assertNotFuture(what: string, ms: number, now = Date.now(), code: 'BAD_ARGUMENT' | 'BAD_INPUT' = 'BAD_ARGUMENT'): void {
  const amount = aheadOfClock(ms, now);
  if (amount === undefined) return;
  throw new CliError(code, `${what} ${new Date(ms).toISOString()} is ${amount} in the future; a record dated after the real newest run would be judged as the newest run until then, hiding the runs after it`, {
    hint: 'give the time the run happened, with its zone (2026-01-31T12:00:00Z; a time without Z or an offset is local time), or check this machine\'s clock; nothing was written',
  });
}

/**
 * Parses a comma-separated choice list (`budget,regression`).
 * @throws {CliError} BAD_ARGUMENT listing the allowed values.
 */
export function parseChoices<T extends string>(what: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new CliError('BAD_ARGUMENT', `${what} ${JSON.stringify(item)} is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}

/**
 * Metadata a CI provider already knows: `branch` and `commit`, from GitHub Actions, GitLab CI,
 * CircleCI, Buildkite, Jenkins and Azure Pipelines variables (or `AUTODEV_BRANCH` / `AUTODEV_COMMIT`),
 * so that `check --baseline branch=main` works without extra flags. Only keys the environment defines.
 */
export function ciMetadata(env: NodeJS.ProcessEnv = process.env): Metadata {
  const first = (...keys: string[]) => keys.map((k) => env[k]).find((v): v is string => typeof v === 'string' && v !== '');
  const out: Metadata = {};
  const branch = first('AUTODEV_BRANCH', 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_REF_NAME', 'CIRCLE_BRANCH', 'BUILDKITE_BRANCH', 'BRANCH_NAME', 'BUILD_SOURCEBRANCHNAME');
  const commit = first('AUTODEV_COMMIT', 'GITHUB_SHA', 'CI_COMMIT_SHA', 'CIRCLE_SHA1', 'BUILDKITE_COMMIT', 'GIT_COMMIT', 'BUILD_SOURCEVERSION');
  if (branch !== undefined) out.branch = branch;
  if (commit !== undefined) out.commit = commit;
  return out;
}
