import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { collect } from './args.js';
import { createContext, type CommandContext, type GlobalOptions, type Streams } from './context.js';
import type { StoreLocation } from './store-url.js';

/** What the program's actions report back to `main`: the exit code the process should end with. */
export interface RunState {
  exitCode: number;
  /** The command's store, once it was resolved, so an error about it gets the advice for that kind of store. */
  storeKind?: () => StoreLocation['kind'] | undefined;
}

/**
 * The version in @autodev/cli's own package.json, read at run time (dist/ is one level below it, installed or not),
 * so the version changesets writes before publishing is the one printed. When it cannot be read (a copied dist/
 * without its package.json) it says so: `0.0.0`, printed before, is also the unreleased version of the repository.
 */
function readVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof version === 'string' && version !== '') return version;
  } catch {
    // reported below
  }
  return 'unknown (the package.json of @autodev/cli next to dist/ is missing or has no version)';
}

/** Adds the options every leaf command accepts, so `autodev trends --json` and `autodev --json trends` both work. */
function withGlobals(cmd: Command, { json = true }: { json?: boolean } = {}): Command {
  cmd.option('--store <url|path>', 'metrics store: a path, file:, sqlite:, postgres://..., or a collector http(s)://... (env AUTODEV_STORE; default .autodev/metrics.jsonl)');
  if (json) cmd.option('--json', 'print machine-readable JSON on stdout');
  return cmd.option('-q, --quiet', 'print only data and errors').option('--debug', 'show stack traces for errors');
}

const metaOption = () => new Option('--meta <key=value>', 'metadata for the records (repeatable; key:=json for numbers/booleans)').argParser(collect);
const atOption = () => new Option('--at <time>', 'timestamp of the records (ISO-8601 or epoch ms; default now)');
const ciMetaOption = () => new Option('--no-ci-meta', 'do not add branch/commit from CI environment variables');
const dryRunOption = () => new Option('--dry-run', 'parse and print what would be recorded, write nothing');
const whereOption = () => new Option('--where <key=value>', 'only records whose metadata matches (repeatable)').argParser(collect);
const policyOption = () => new Option('--policy <file>', 'policy YAML (default: ./automation_policy.yaml or .autodev/policy.yaml if present)');

/**
 * Builds the `autodev` program. Every command's implementation lives in its own module under
 * `commands/` and is imported only when that command runs, so `autodev record` loads little.
 */
export function createProgram(state: RunState, streams?: Streams): Command {
  const program = new Command('autodev');
  const ctxOf = (cmd: Command): CommandContext => {
    const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>(), streams);
    state.storeKind = () => {
      try {
        return ctx.storeLocation().kind;
      } catch {
        return undefined; // a malformed --store: its own error says so
      }
    };
    return ctx;
  };
  const done = (code: number | void) => {
    if (typeof code === 'number') state.exitCode = code;
  };
  program
    .description('Record development metrics in CI, see their trends and insights, and fail the build on budget breaches and real regressions.')
    .version(readVersion(), '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void (streams?.stdout ?? process.stdout).write(s),
      writeErr: (s) => void (streams?.stderr ?? process.stderr).write(s),
      // Parser errors ("error: unknown option …") get the same `autodev: ` prefix as every other error.
      outputError: (s, write) => write(s.startsWith('error:') ? `autodev: ${s}` : s),
    });
  withGlobals(program);
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input; \`run\` exits with its command's code
(128 + signal number when it was killed; 127 not found, 126 not executable).
Examples:
  $ autodev record test_duration 12.5 --meta suite=integration
  $ autodev run -- npm run build
  $ autodev import junit junit.xml
  $ autodev trends
  $ autodev check --policy automation_policy.yaml
  $ autodev serve --host 0.0.0.0            # a collector and live dashboard (needs AUTODEV_TOKEN)
  $ autodev demo`,
  );

  withGlobals(program.command('record'))
    .description('record one value of a metric')
    .argument('<metric>', 'metric name, e.g. test_duration')
    .argument('<value>', 'a finite number, e.g. 12.5')
    .addOption(metaOption())
    .addOption(atOption())
    .addOption(ciMetaOption())
    .addHelpText('after', '\nExample:\n  $ autodev record test_duration 12.5 --meta suite=integration --meta branch=main')
    .action(async (metric: string, value: string, _o: unknown, cmd: Command) => {
      const { recordCommand } = await import('./commands/record.js');
      done(await recordCommand(ctxOf(cmd), metric, value, cmd.opts()));
    });

  withGlobals(program.command('run'))
    .description("run a command, stream its output untouched, record its wall time and peak memory, and exit with the command's exit code")
    .argument('<command...>', 'the command and its arguments (put them after --)')
    .option('--metric <name>', 'metric for the wall time in seconds', 'build_time')
    .option('--memory-metric <name>', 'metric for the peak resident memory in MiB (Linux)', 'memory_usage')
    .option('--no-memory', 'do not sample memory')
    .option('--always', 'record even when the command fails (adds metadata exit_code)')
    .addOption(metaOption())
    .addOption(ciMetaOption())
    .passThroughOptions()
    .addHelpText(
      'after',
      "\nExit code: the command's own (128 + signal number when it was killed; 127 not found, 126 not executable), so CI fails when the build does.\nExamples:\n  $ autodev run -- npm run build\n  $ autodev run --metric test_duration --meta suite=unit -- npx vitest run",
    )
    .action(async (command: string[], _o: unknown, cmd: Command) => {
      const { runCommand } = await import('./commands/run.js');
      done(await runCommand(ctxOf(cmd), command, cmd.opts()));
    });

  const imp = program.command('import').description('record metrics from report files (JUnit XML, coverage, ESLint, PerformanceMonitor) or exported records');
  withGlobals(imp.command('junit'))
    .description('JUnit XML (vitest, jest-junit, pytest, Maven Surefire...) → test_duration, tests, failures, errors, skipped')
    .argument('<files...>', 'JUnit XML report files (several are summed as one run)')
    .option('--per-suite', 'also record test_duration_suite per test suite (metadata suite=<name>)')
    .addOption(metaOption())
    .addOption(atOption())
    .addOption(ciMetaOption())
    .addOption(dryRunOption())
    .addHelpText('after', '\nExample:\n  $ npx vitest run --reporter=junit --outputFile=junit.xml && autodev import junit junit.xml')
    .action(async (files: string[], _o: unknown, cmd: Command) => {
      const { importJunitCommand } = await import('./commands/import.js');
      done(await importJunitCommand(ctxOf(cmd), files, cmd.opts()));
    });
  withGlobals(imp.command('coverage'))
    .description('lcov.info or istanbul coverage-summary.json → coverage_percent (lines), coverage_branches_percent, coverage_functions_percent')
    .argument('<file>', 'lcov.info or coverage-summary.json')
    .addOption(metaOption())
    .addOption(atOption())
    .addOption(ciMetaOption())
    .addOption(dryRunOption())
    .addHelpText('after', '\nExample:\n  $ npx vitest run --coverage --coverage.reporter=json-summary && autodev import coverage coverage/coverage-summary.json')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { importCoverageCommand } = await import('./commands/import.js');
      done(await importCoverageCommand(ctxOf(cmd), file, cmd.opts()));
    });
  withGlobals(imp.command('eslint'))
    .description("ESLint JSON (eslint -f json) → lint_errors, lint_warnings")
    .argument('<file>', 'the output of eslint -f json')
    .addOption(metaOption())
    .addOption(atOption())
    .addOption(ciMetaOption())
    .addOption(dryRunOption())
    .addHelpText('after', '\nExample:\n  $ npx eslint . -f json -o eslint.json; autodev import eslint eslint.json')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { importEslintCommand } = await import('./commands/import.js');
      done(await importEslintCommand(ctxOf(cmd), file, cmd.opts()));
    });
  withGlobals(imp.command('records'))
    .description('records from autodev export --format jsonl or json, with their own timestamps and metadata (move a history between stores)')
    .argument('<file>', 'the output of autodev export --format jsonl (or json)')
    .addOption(dryRunOption())
    .addHelpText('after', '\nExample:\n  $ autodev export --format jsonl > history.jsonl && autodev import records history.jsonl --store sqlite:.autodev/metrics.db')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { importRecordsCommand } = await import('./commands/import.js');
      done(await importRecordsCommand(ctxOf(cmd), file, cmd.opts()));
    });
  withGlobals(imp.command('monitor'))
    .description('a PerformanceMonitor snapshot (JSON) → api_latency_<op>_p50/_p95/_p99 (seconds), api_calls_<op>, api_errors_<op>')
    .argument('<file>', 'JSON written from monitor.snapshot()')
    .option('--prefix <prefix>', 'prefix of the latency metric names', 'api_latency_')
    .option('--count-prefix <prefix>', 'prefix of the call-count metric names', 'api_calls_')
    .option('--error-prefix <prefix>', 'prefix of the error-count metric names', 'api_errors_')
    .addOption(metaOption())
    .addOption(atOption())
    .addOption(ciMetaOption())
    .addOption(dryRunOption())
    .addHelpText('after', "\nExample:\n  // in a test or service: writeFileSync('perf.json', JSON.stringify(PerformanceMonitor.global.snapshot()))\n  $ autodev import monitor perf.json")
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { importMonitorCommand } = await import('./commands/import.js');
      done(await importMonitorCommand(ctxOf(cmd), file, cmd.opts()));
    });

  withGlobals(program.command('trends'))
    .description('a table per metric: runs, latest, mean, median, Theil–Sen slope, Mann–Kendall direction and p-value, sparkline')
    .argument('[metrics...]', 'metrics to show (default: all)')
    .option('--window <n>', 'analyse the newest n values', '30')
    .addOption(whereOption())
    .addHelpText('after', '\nExamples:\n  $ autodev trends\n  $ autodev trends test_duration --window 50 --where branch=main')
    .action(async (metrics: string[], _o: unknown, cmd: Command) => {
      const { trendsCommand } = await import('./commands/trends.js');
      done(await trendsCommand(ctxOf(cmd), metrics, cmd.opts()));
    });

  withGlobals(program.command('insights'))
    .description('findings with a calibrated confidence and a suggested action (markdown for a PR comment or step summary)')
    .option('--min-confidence <p>', 'only insights at least this confident (0..1)', '0.8')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(policyOption())
    .addOption(whereOption())
    .addHelpText('after', '\nExamples:\n  $ autodev insights\n  $ autodev insights --format markdown >> "$GITHUB_STEP_SUMMARY"')
    .action(async (_o: unknown, cmd: Command) => {
      const { insightsCommand } = await import('./commands/insights.js');
      done(await insightsCommand(ctxOf(cmd), cmd.opts()));
    });

  withGlobals(program.command('check'))
    .description('gate CI: exit 1 on a budget breach, regression or anomaly, 0 otherwise')
    .addOption(policyOption())
    .option('--fail-on <kinds>', 'what fails the check: budget,regression,anomaly', 'budget,regression')
    .option('--baseline <key=value>', 'judge the newest runs against the history matching this metadata (repeatable), e.g. branch=main', collect)
    .option('--candidate <key=value>', 'metadata of the runs to judge (default: the CI branch, or every run not in the baseline)', collect)
    .option('--runs <n>', 'with --baseline: how many newest candidate runs to judge', '5')
    .option('--min-samples <n>', 'fewest baseline values needed to judge a metric (default: policy, else 5)')
    .option('--metric <name>', 'check only this metric (repeatable)', collect)
    .option('--require-data', 'fail (exit 2) when there is nothing to check: no store, or an empty one')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(whereOption())
    .addHelpText('after', '\nExamples:\n  $ autodev check --policy automation_policy.yaml\n  $ autodev check --fail-on budget,regression,anomaly\n  $ autodev check --baseline branch=main')
    .action(async (_o: unknown, cmd: Command) => {
      const { checkCommand } = await import('./commands/check.js');
      done(await checkCommand(ctxOf(cmd), cmd.opts()));
    });

  withGlobals(program.command('compare'))
    .description('A/B: compare a metric between two groups of runs (shift with interval, p-value, verdict)')
    .argument('<metric>', 'metric name')
    .requiredOption('--a <key=value>', 'metadata of group A (repeatable)', collect)
    .requiredOption('--b <key=value>', 'metadata of group B (repeatable)', collect)
    .addHelpText('after', '\nExample:\n  $ autodev compare test_duration --a branch=main --b branch=feature')
    .action(async (metric: string, _o: unknown, cmd: Command) => {
      const { compareCommand } = await import('./commands/compare.js');
      done(await compareCommand(ctxOf(cmd), metric, cmd.opts()));
    });

  withGlobals(program.command('export'))
    .description('write records as CSV, JSON, JSON Lines or Prometheus text')
    // No commander default: --json (before or after the command) means --format json, and must not be overruled by it.
    .addOption(new Option('--format <format>', 'output format (default: csv; --json is --format json)').choices(['csv', 'json', 'jsonl', 'prometheus']))
    .option('--metric <name>', 'only this metric (repeatable)', collect)
    .addOption(whereOption())
    .option('--from <time>', 'only records at or after this time')
    .option('--to <time>', 'only records before this time')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--labels <keys>', 'prometheus: metadata keys that become labels, comma-separated ("" for none; default: every scalar key but commit)')
    .addHelpText('after', '\nExamples:\n  $ autodev export --format csv > metrics.csv\n  $ autodev export --format prometheus --metric test_duration --labels branch')
    .action(async (_o: unknown, cmd: Command) => {
      const { exportCommand } = await import('./commands/export.js');
      done(await exportCommand(ctxOf(cmd), cmd.opts()));
    });

  withGlobals(program.command('serve'), { json: false })
    .description('run a collector over the store: CI agents record into it with --store http://host:port, browsers watch a live dashboard')
    .option('--port <n>', 'TCP port (0 = any free port)', '8787')
    .option('--host <address>', 'interface to listen on (0.0.0.0 = every interface; anything but loopback needs a token)', '127.0.0.1')
    .option('--token <token>', 'shared secret agents send and browsers enter once (env AUTODEV_TOKEN, better: arguments show in process lists)')
    .addOption(policyOption())
    .addHelpText(
      'after',
      `
Runs until Ctrl-C (SIGINT) or SIGTERM, then closes the store. Prints the dashboard URL on stdout.
Examples:
  $ autodev serve                                         # http://127.0.0.1:8787/, this machine only
  $ export AUTODEV_TOKEN=$(openssl rand -hex 32)
  $ autodev serve --host 0.0.0.0 --store sqlite:metrics.db --policy automation_policy.yaml
  # then on every CI agent:
  $ AUTODEV_STORE=http://collector:8787 AUTODEV_TOKEN=... autodev run --metric test_duration -- npm test`,
    )
    .action(async (_o: unknown, cmd: Command) => {
      const { serveCommand } = await import('./commands/serve.js');
      done(await serveCommand(ctxOf(cmd), cmd.opts()));
    });

  withGlobals(program.command('demo'), { json: false })
    .description('show what autodev does on a generated history (temporary store; offline)')
    .option('--keep', 'keep the temporary store and print its path')
    .option('--seed <n>', 'seed of the generated history', '42')
    .action(async (_o: unknown, cmd: Command) => {
      const { demoCommand } = await import('./commands/demo.js');
      done(await demoCommand(ctxOf(cmd), cmd.opts()));
    });

  return program;
}
