import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { LearningPolicy, MetricStore, MetricsTracker } from '@autodev/learning';
import { parse as parseYaml } from 'yaml';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { readInput } from './read-input.js';

/** Opens the store read-only and wraps it in a `MetricsTracker`; `close()` closes the store. */
export async function openTracker(ctx: CommandContext): Promise<{ tracker: MetricsTracker; store: MetricStore; close(): Promise<void> }> {
  const store = await ctx.openStore({ readOnly: true });
  const { MetricsTracker } = await import('@autodev/learning');
  const tracker = new MetricsTracker({ storage: store });
  return { tracker, store, close: () => tracker.close() };
}

/** Policy files looked up when `--policy` is not given, in order. */
export const DEFAULT_POLICY_FILES = ['automation_policy.yaml', 'automation_policy.yml', '.autodev/policy.yaml', '.autodev/policy.yml'];

/**
 * Reads the policy YAML (the guide's `automation_policy.yaml` shape: `performance: { test_duration_max: 60 }`
 * and an optional `metrics:` section): `--policy <file>`, else the first of {@link DEFAULT_POLICY_FILES}
 * in the working directory, else no policy.
 * @throws {CliError} FILE_NOT_FOUND for a missing --policy file; BAD_INPUT naming the file, line and key
 * for bad YAML or a bad value.
 */
export async function loadPolicy(ctx: CommandContext, file: string | undefined): Promise<{ policy: LearningPolicy; file: string | undefined }> {
  const { parsePolicy, EMPTY_POLICY } = await import('@autodev/learning');
  const path = file ?? DEFAULT_POLICY_FILES.map((f) => resolve(ctx.cwd, f)).find((f) => existsSync(f));
  if (path === undefined) return { policy: EMPTY_POLICY, file: undefined };
  const shown = file ?? relative(ctx.cwd, path);
  const text = await readInput(ctx, resolve(ctx.cwd, path), 'policy file');
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const linePos = (e as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
    const where = linePos ? `:${linePos.line}:${linePos.col}` : '';
    // The yaml library's pretty message is "<what> at line L, column C:" then a code frame; the position is already
    // in front, so keep <what> and show the frame under the message.
    const [first = '', ...frame] = (e as Error).message.split('\n');
    const what = first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
    const shownFrame = frame.filter((l) => l.trim() !== '').join('\n');
    throw new CliError('BAD_INPUT', `${shown}${where}: not valid YAML: ${what}${shownFrame ? `\n${shownFrame}` : ''}`, { cause: e });
  }
  try {
    const policy = parsePolicy(doc);
    for (const w of policyWarnings(doc)) ctx.streams.stderr.write(`autodev: warning: ${shown}: ${w}\n`);
    return { policy, file: shown };
  } catch (e) {
    throw new CliError('BAD_INPUT', `${shown}: ${(e as Error).message}`, {
      cause: e,
      hint: 'budgets go under performance: as <metric>_max / <metric>_min numbers, e.g.\n  performance:\n    test_duration_max: 60',
    });
  }
}

/** Levenshtein distance, for "did you mean" on a handful of short keys. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Likely mistakes in a policy file that parse without error but silently disable budgets: a misspelt section
 * (`performanc:`), or a key under `performance:` that looks like a budget but is kept as a setting
 * (`test_duration_maxx`, `build_time_maximum`). Other top-level sections are legitimate (the guide's policy file is
 * shared with other tools), so only near-misses of ours are reported.
 */
export function policyWarnings(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: string[] = [];
  for (const key of Object.keys(doc)) {
    for (const ours of ['performance', 'metrics'])
      if (key !== ours && editDistance(key.toLowerCase(), ours) <= 2) out.push(`top-level key "${key}" is ignored; did you mean "${ours}:"?`);
  }
  const perf = (doc as { performance?: unknown }).performance;
  if (typeof perf === 'object' && perf !== null && !Array.isArray(perf)) {
    for (const [key, value] of Object.entries(perf)) {
      // A percentage budget outside 0–100 can never be met (min) or never be broken (max).
      if (/percent/i.test(key) && /_(max|min)$/.test(key) && typeof value === 'number' && (value < 0 || value > 100))
        out.push(`"performance.${key}: ${value}" is outside 0–100 for a percentage, so it ${key.endsWith('_min') === value > 100 ? 'can never be met' : 'can never be broken'}`);
      if (/_(max|min)$/.test(key)) continue;
      const m = /^(.+?)_(max|min)[a-z_]*$|^(.+?)_(mx|mn)$/i.exec(key);
      if (m) out.push(`"performance.${key}" is kept as a setting, not a budget; budgets end in _max or _min (e.g. ${m[1] ?? m[3]}_${/^mi|^mn/i.test(m[2] ?? m[4] ?? '') ? 'min' : 'max'})`);
    }
  }
  return out;
}
