// The guide's "Integration with CI/CD": "Recording Metrics in CI" (its scripts/record_metrics.py is
// `autodev record`) and "Automated Insights" (its scripts/analyze_trends.py, which opens an issue for every
// insight at confidence >= 0.85), written with the library, then the same question asked of the CLI
// (`autodev insights --min-confidence 0.85 --json`). Runs the built CLI (`pnpm build` first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsTracker, type LearningInsight } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'apps', 'cli', 'dist', 'cli.js');
const dir = await mkdtemp(join(tmpdir(), 'autodev-ci-insights-'));
const path = join(dir, '.autodev', 'metrics.jsonl'); // the guide's ci_metrics.json; the CLI's default store
const autodev = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.AUTODEV_STORE;
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env });
};

try {
  // Twenty earlier CI runs: the suite took about 40 s, coverage steady at 91%.
  const history = await openFileStore({ path });
  const t0 = Date.now() - 30 * 3_600_000;
  const earlier = new MetricsTracker({ storage: history });
  for (let run = 0; run < 20; run++) {
    const timestamp = t0 + run * 3_600_000;
    await earlier.recordMetric('test_duration', 40 + (run % 4) * 0.3, { branch: 'main' }, { timestamp });
    await earlier.recordMetric('coverage_percent', 91 + (run % 3) * 0.1, { branch: 'main' }, { timestamp });
  }
  await history.close();

  // Recording Metrics in CI, after `pytest --cov=src --junitxml=junit.xml`:
  //   - run: npx autodev record test_duration "$TEST_DURATION" --meta branch=main
  // (or `npx autodev import junit junit.xml`, which reads the duration from the report; see cli-ci-pipeline.ts).
  // The five newest runs are about 20% slower.
  for (const TEST_DURATION of ['48.1', '48.6', '47.9', '48.4', '48.2']) {
    const recorded = autodev(['record', 'test_duration', TEST_DURATION, '--meta', 'branch=main', '--no-ci-meta', '-q']);
    assert.equal(recorded.status, 0, recorded.stderr);
  }

  // Automated Insights (scripts/analyze-trends.ts): open the CI history and act on insights at 85%+.
  const issues: { title: string; body: string }[] = [];
  const createIssue = (issue: { title: string; body: string }) => void issues.push(issue); // e.g. Octokit's issues.create
  const store = await openFileStore({ path });
  const tracker = new MetricsTracker({ storage: store });
  const insights: LearningInsight[] = await tracker.generateInsights();
  for (const insight of insights) {
    if (insight.confidence >= 0.85) {
      // Create GitHub issue
      createIssue({
        title: `[Auto] ${insight.category}: ${insight.description}`,
        body: `Suggested action: ${insight.suggestedAction}`,
      });
    }
  }
  await store.close();
  for (const issue of issues) console.log(`${issue.title}\n  ${issue.body}`);
  assert.equal(issues.length, 1, 'one issue: the slower test suite; steady coverage raises none');
  assert.match(issues[0]!.title, /^\[Auto\] performance: test_duration rose \+\d+%/);

  // The same from a CI step, without writing a script: the CLI reads the same store and prints the same findings.
  //   - run: npx autodev insights --min-confidence 0.85 --json > insights.json
  const fromCli = autodev(['insights', '--min-confidence', '0.85', '--json']);
  assert.equal(fromCli.status, 0, fromCli.stderr);
  const cliInsights = JSON.parse(fromCli.stdout) as { kind: string; metric: string; description: string; confidence: number }[];
  assert.deepEqual(
    cliInsights.map((i) => [i.kind, i.metric, i.description]),
    insights.filter((i) => i.confidence >= 0.85).map((i) => [i.kind, i.metric, i.description]),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
