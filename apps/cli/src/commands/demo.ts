import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32, type MetricRecordInput } from '@autodev/learning';
import { parseInteger } from '../args.js';
import { createContext, type CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { checkCommand } from './check.js';
import { insightsCommand } from './insights.js';
import { trendsCommand } from './trends.js';

/** Options of `autodev demo`. */
export interface DemoOptions {
  keep?: boolean;
  seed?: string;
}

/** The policy the demo writes next to its store (the guide's automation_policy.yaml shape). */
export const DEMO_POLICY = `# The guide's automation_policy.yaml: budgets as <metric>_max / <metric>_min
performance:
  test_duration_max: 60          # seconds
  build_time_max: 300            # seconds
  api_latency_users_p95_max: 0.5 # seconds
  coverage_percent_min: 80
  cache_size: 100                # not a budget: kept as a setting
`;

/** Number of CI runs the demo generates. */
export const DEMO_RUNS = 40;

/**
 * A realistic CI history of {@link DEMO_RUNS} runs on `main`, one a day up to `end`:
 * - `test_duration` ~42 s, steps up 28% in the newest 5 runs (a regression: someone added a slow fixture);
 * - `build_time` ~118 s, stable, but the newest run takes ~190 s (an anomaly);
 * - `api_latency_users_p95` creeps from ~0.38 s to ~0.56 s, above its 0.5 s budget (a budget breach);
 * - `coverage_percent` improves slowly from 81% to 86%;
 * - `memory_usage` stable around 512 MiB; `lint_errors` 0 to 3, 2 in the newest run.
 */
export function demoHistory(seed: number, end: number): MetricRecordInput[] {
  const rnd = mulberry32(seed);
  // Box–Muller: normal noise from the uniform PRNG.
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  const day = 24 * 3600 * 1000;
  const out: MetricRecordInput[] = [];
  for (let i = 0; i < DEMO_RUNS; i++) {
    const timestamp = end - (DEMO_RUNS - 1 - i) * day;
    const metadata = { branch: 'main', commit: ((seed * 7919 + i * 104729) >>> 0).toString(16).padStart(7, '0').slice(0, 7), run: String(i + 1) };
    const last = i === DEMO_RUNS - 1;
    const add = (name: string, value: number) => out.push({ name, value, timestamp, metadata });
    add('test_duration', round(42 * (i >= DEMO_RUNS - 5 ? 1.28 : 1) * (1 + 0.03 * normal()), 2));
    add('build_time', round((last ? 190 : 118) * (1 + 0.03 * normal()), 1));
    add('api_latency_users_p95', round((0.38 + (0.18 * i) / (DEMO_RUNS - 1)) * (1 + 0.02 * normal()), 4));
    add('coverage_percent', round(81 + (5 * i) / (DEMO_RUNS - 1) + 0.3 * normal(), 2));
    add('memory_usage', round(512 * (1 + 0.02 * normal()), 1));
    add('lint_errors', last ? 2 : Math.floor(rnd() * rnd() * 4));
  }
  return out;
}

/**
 * `autodev demo`: writes {@link demoHistory} into a temporary file store with {@link DEMO_POLICY},
 * then runs `trends`, `insights` and `check` on it, explaining each step. Offline, a second or so.
 * Returns 0: the failing `check` is the point of the demo, and its exit code 1 is shown, not returned.
 */
export async function demoCommand(ctx: CommandContext, opts: DemoOptions): Promise<number> {
  // The demo's records are made up: writing them into the user's store would mix them with real history.
  if (ctx.options.store !== undefined) {
    throw new CliError('BAD_ARGUMENT', 'demo always works in a temporary store, so it never writes made-up runs into yours; drop --store', {
      hint: 'to look at the demo store with other commands, run `autodev demo --keep` and pass the path it prints to --store',
    });
  }
  if (ctx.options.json) {
    throw new CliError('BAD_ARGUMENT', 'demo prints a walkthrough for people and has no --json output', {
      hint: 'run `autodev demo --keep`, then `autodev insights --json --store <the path it prints>`',
    });
  }
  const seed = parseInteger('--seed', opts.seed ?? '42', 0, 2 ** 32 - 1);
  const dir = await mkdtemp(join(tmpdir(), 'autodev-demo-'));
  const storePath = join(dir, '.autodev', 'metrics.jsonl');
  try {
    const { validateRecord } = await import('@autodev/learning');
    const { openFileStore } = await import('@autodev/storage-file');
    const records = demoHistory(seed, Date.UTC(2026, 0, 31, 12)).map((r) => validateRecord(r));
    const store = await openFileStore({ path: storePath });
    try {
      await store.append(records);
    } finally {
      await store.close();
    }
    await writeFile(join(dir, 'automation_policy.yaml'), DEMO_POLICY);
    // The demo's own context: its store and policy, no CI variables of the machine it runs on.
    const env = { ...ctx.env };
    delete env.AUTODEV_STORE;
    const sub: CommandContext = createContext({ ...ctx.options, json: false, store: storePath }, ctx.streams, env, dir);
    const c = ctx.colors;
    // With --quiet only the commands' own output is printed (the data), not the walkthrough around it.
    const tell = (text: string) => {
      if (!ctx.options.quiet) ctx.out(text);
    };
    const say = (title: string, text: string) => tell(`\n${c.bold(c.cyan(`▶ ${title}`))}\n${c.dim(text)}\n`);

    tell(c.bold('autodev demo'));
    tell(
      `A generated history of ${DEMO_RUNS} CI runs on main (${records.length} records) is in a temporary store:\n  ${storePath}\nwith this policy (automation_policy.yaml):\n\n${DEMO_POLICY.replace(/^/gm, '  ')}`,
    );

    say(
      '$ autodev trends',
      'Each metric over its newest 30 runs: the Theil–Sen slope per run and a Mann–Kendall test decide the trend (↑/↓ only when p < 0.05),\nred when the direction is bad for that metric, green when good. test_duration stepped up, api_latency_users_p95 creeps up, coverage improves.',
    );
    await trendsCommand(sub, [], { window: '30' });

    say(
      '$ autodev insights --min-confidence 0.8',
      'Findings with a confidence (the calibrated probability that they are real) and what to do. The regression is found by comparing the\nnewest runs with the segment since the last change point; the build_time spike is an anomaly, not a trend; the budget breach is a fact.',
    );
    await insightsCommand(sub, { minConfidence: '0.8', format: 'text' });

    say(
      '$ autodev check --fail-on budget,regression,anomaly',
      'The CI gate: the same findings judged against --fail-on. It exits 1 when one fails, which fails the CI job.',
    );
    const code = await checkCommand(sub, { failOn: 'budget,regression,anomaly', format: 'text' });

    tell(
      `\n${c.bold('What this shows')}\n` +
        `  • check exited with ${code}${code === ExitCode.CHECK_FAILED ? ' → this CI job would fail' : ''}: a regression, an anomaly and a budget breach, each with its numbers.\n` +
        '  • In your CI: `autodev import junit junit.xml`, `autodev run -- npm run build`, then `autodev check`.\n' +
        '  • `autodev insights --format markdown >> "$GITHUB_STEP_SUMMARY"` puts the findings on the run page.',
    );
    // The kept store's path is data the user asked for: printed even with --quiet.
    // Its policy file sits next to the store: `check` run from that folder uses it (and the store) by default.
    if (opts.keep)
      ctx.out(`${ctx.options.quiet ? '' : '\n'}The store was kept: try  autodev trends --store ${storePath}\n(or, with the demo's policy: cd ${dir} && autodev check)`);
  } finally {
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
  return ExitCode.OK;
}
