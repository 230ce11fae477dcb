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
    throw new CliError('BAD_INPUT', `${shown}${where}: not valid YAML: ${((e as Error).message.split('\n')[0] ?? '').trim()}`, { cause: e });
  }
  try {
    return { policy: parsePolicy(doc), file: shown };
  } catch (e) {
    throw new CliError('BAD_INPUT', `${shown}: ${(e as Error).message}`, {
      cause: e,
      hint: 'budgets go under performance: as <metric>_max / <metric>_min numbers, e.g.\n  performance:\n    test_duration_max: 60',
    });
  }
}
