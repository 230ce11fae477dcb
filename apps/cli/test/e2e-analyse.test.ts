import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRecord, type MetricRecordInput } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';
import { describe, expect, it } from 'vitest';
import { DEMO_POLICY, demoHistory } from '../src/commands/demo.js';
import { cleanEnv, cli, cliPath, useTempDir } from './helpers.js';

const tmp = useTempDir();

async function seed(dir: string, records: readonly MetricRecordInput[]): Promise<void> {
  const store = await openFileStore({ path: join(dir, '.autodev', 'metrics.jsonl') });
  await store.append(records.map((r) => validateRecord(r)));
  await store.close();
}
const END = Date.UTC(2026, 0, 31, 12);
async function demoDir(): Promise<string> {
  const dir = tmp();
  await seed(dir, demoHistory(42, END));
  writeFileSync(join(dir, 'automation_policy.yaml'), DEMO_POLICY);
  return dir;
}
// ESC [ … m: no colour when stdout is not a TTY.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe('autodev trends', () => {
  it('prints one row per metric with its run count, direction, p-value and a sparkline of the window', async () => {
    const dir = await demoDir();
    const r = cli(['trends'], { cwd: dir });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^metric\s+runs\s+latest\s+mean\s+median\s+slope\/run\s+trend\s+p\s+history$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(['api_latency_users_p95', 'build_time', 'coverage_percent', 'lint_errors', 'memory_usage', 'test_duration']);
    expect(r.stdout).toMatch(/api_latency_users_p95\s+40\s.*↑ rising\s+<0\.001\s+[▁▂▃▄▅▆▇█]{24}/);
    expect(r.stdout).toMatch(/coverage_percent\s.*↑ rising/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('--json carries the analysis; --window and --where narrow it', async () => {
    const dir = await demoDir();
    const rows = JSON.parse(cli(['trends', 'test_duration', 'memory_usage', '--window', '10', '--json'], { cwd: dir }).stdout);
    expect(rows.map((x: { metric: string }) => x.metric)).toEqual(['test_duration', 'memory_usage']);
    expect(rows[0]).toMatchObject({ metric: 'test_duration', count: 40, window: 10, polarity: 'lower', sufficient: true });
    expect(rows[0].values).toHaveLength(10);
    expect(rows[0].latest).toBe(rows[0].values[9]);
    const none = cli(['trends', '--where', 'branch=nope'], { cwd: dir });
    expect(none.status).toBe(0);
    expect(none.stderr).toMatch(/no records match/);
  });

  it('says when there is too little data instead of inventing a trend', async () => {
    const dir = tmp();
    await seed(dir, [1, 2, 3].map((v, i) => ({ name: 'build_time', value: v, timestamp: END + i })));
    const r = cli(['trends'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/build_time\s+3\s.*not enough data/);
  });

  it('does not create a sqlite: store that does not exist (a typo in --store), as for the file store', () => {
    const dir = tmp();
    const r = cli(['trends', '--store', 'sqlite:typo/metrics.db'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/no store at sqlite:typo\/metrics\.db yet/);
    expect(cli(['check', '--store', 'sqlite:typo/metrics.db'], { cwd: dir }).status).toBe(0);
    expect(cli(['export', '--store', 'sqlite3:typo/metrics.db'], { cwd: dir }).status).toBe(0);
    expect(existsSync(join(dir, 'typo'))).toBe(false);
    // Writing creates it, through the sqlite3: alias too; then reading sees what was written.
    expect(cli(['record', 'x', '1', '--store', 'sqlite3:typo/metrics.db'], { cwd: dir }).status).toBe(0);
    expect(cli(['export', '--format', 'jsonl', '--store', 'sqlite:typo/metrics.db'], { cwd: dir }).stdout).toMatch(/"name":"x","value":1/);
  });

  it('exits 2 for an unknown metric (listing the known ones) and a bad --window; an empty store is no error', async () => {
    const dir = await demoDir();
    const r = cli(['trends', 'test_duraton'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no metric named "test_duraton"/);
    expect(r.stderr).toMatch(/known metrics: .*test_duration/);
    expect(cli(['trends', '--window', '1'], { cwd: dir }).stderr).toMatch(/--window must be a whole number >= 2/);
    const empty = cli(['trends'], { cwd: tmp() });
    expect(empty.status).toBe(0);
    expect(empty.stderr).toMatch(/no store at .autodev\/metrics.jsonl yet/);
  });
});

describe('autodev insights', () => {
  it('text: findings with category, kind, confidence and action', async () => {
    const r = cli(['insights'], { cwd: await demoDir() });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[budget\] api_latency_users_p95 .* \(budget-breach, confidence 1\.00\)\n {2}→ /);
    expect(r.stdout).toMatch(/test_duration .*\(regression, confidence 0\.\d\d\)/);
    expect(r.stdout).toMatch(/build_time .*\(anomaly, confidence/);
  });

  it('json: every insight at or above --min-confidence, highest first', async () => {
    const dir = await demoDir();
    const all = JSON.parse(cli(['insights', '--format', 'json', '--min-confidence', '0.5'], { cwd: dir }).stdout);
    expect(all.length).toBeGreaterThan(3);
    for (const i of all) expect(Object.keys(i)).toEqual(expect.arrayContaining(['kind', 'category', 'description', 'confidence', 'suggestedAction', 'metric', 'evidence']));
    const conf = all.map((i: { confidence: number }) => i.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    expect(Math.min(...conf)).toBeGreaterThanOrEqual(0.5);
    const strict = JSON.parse(cli(['insights', '--json', '--min-confidence', '0.99'], { cwd: dir }).stdout);
    expect(strict.every((i: { confidence: number }) => i.confidence >= 0.99)).toBe(true);
    expect(strict.length).toBeLessThan(all.length);
  });

  it('markdown: a table for a pull-request comment or step summary', async () => {
    const r = cli(['insights', '--format', 'markdown'], { cwd: await demoDir() });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^### autodev insights\n\n\| {2}\| Metric \| Finding \| Confidence \| Suggested action \|\n\|---\|---\|---\|---:\|---\|\n/);
    expect(r.stdout).toMatch(/\| ⛔ \| `api_latency_users_p95` \|/);
    expect(r.stdout).toMatch(/<sub>\d+ insights at confidence ≥ 0\.8/);
    const none = cli(['insights', '--format', 'markdown'], { cwd: tmp() });
    expect(none.stdout).toMatch(/No insight at confidence ≥ 0\.8/);
  });

  it('rejects bad options', async () => {
    const dir = tmp();
    expect(cli(['insights', '--min-confidence', '80'], { cwd: dir }).stderr).toMatch(/--min-confidence must be a number from 0 to 1/);
    const r = cli(['insights', '--format', 'html'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are text, json, markdown/);
  });
});

describe('autodev check', () => {
  it('on a short history says which checks cannot show anything yet instead of a bare "no regression"', async () => {
    const dir = tmp();
    await seed(dir, [100, 101, 102, 100, 101, 130, 131, 130].map((value, i) => ({ name: 'build_time', value, timestamp: END - (8 - i) * 3_600_000 })));
    const r = cli(['check'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok\s+build_time\s+ok\s+no budget breach, regression or anomaly found; with 8 points, anomalies are checked from 9 \(1 more\) and regressions are checked from 10 \(2 more\)/);
  });

  it('exits 1 on a budget breach, a regression and an anomaly, naming each', async () => {
    const dir = await demoDir();
    const r = cli(['check', '--fail-on', 'budget,regression,anomaly'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+api_latency_users_p95\s+budget\s+/);
    expect(r.stdout).toMatch(/FAIL\s+test_duration\s+regression\s+/);
    expect(r.stdout).toMatch(/FAIL\s+build_time\s+anomaly\s+/);
    expect(r.stdout).toMatch(/ok\s+memory_usage\s+ok/);
    expect(r.stdout).toMatch(/check failed: \d problems/);
  });

  it('by default an anomaly only warns; a metric without findings passes with exit 0', async () => {
    const dir = await demoDir();
    const r = cli(['check', '--json'], { cwd: dir });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: false, failOn: ['budget', 'regression'], policy: 'automation_policy.yaml' });
    expect(report.results.find((x: { metric: string }) => x.metric === 'build_time')).toMatchObject({ check: 'anomaly', status: 'warn' });
    const ok = cli(['check', '--metric', 'memory_usage', '--metric', 'coverage_percent'], { cwd: dir });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/check passed/);
  });

  it('markdown summary for $GITHUB_STEP_SUMMARY', async () => {
    const r = cli(['check', '--format', 'markdown'], { cwd: await demoDir() });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^### ❌ autodev check failed: \d problems?\n\n\| {2}\| Metric \| Check \| Detail \|/);
    expect(r.stdout).toMatch(/\| ❌ \| `api_latency_users_p95` \| budget \|/);
  });

  it('reads the policy from --policy; reports bad YAML with file and line, bad values with the key', async () => {
    const dir = await demoDir();
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'strict.yaml'), 'performance:\n  memory_usage_max: 100\n');
    const strict = cli(['check', '--policy', 'conf/strict.yaml', '--metric', 'memory_usage'], { cwd: dir });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/FAIL\s+memory_usage\s+budget/);
    writeFileSync(join(dir, 'bad.yaml'), 'performance:\n  test_duration_max: [60\n');
    const bad = cli(['check', '--policy', 'bad.yaml'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+:\d+: not valid YAML: [^\n]*[^:\n]\n/); // no dangling "at line …, column …:"
    expect(bad.stderr).toMatch(/\n {2,}test_duration_max: \[60\n\s*\^/); // the code frame points at the fault
    writeFileSync(join(dir, 'worse.yaml'), 'performance:\n  test_duration_max: sixty\n');
    const worse = cli(['check', '--policy', 'worse.yaml'], { cwd: dir });
    expect(worse.status).toBe(2);
    expect(worse.stderr).toMatch(/worse\.yaml: .*test_duration_max.*finite number/);
    const missing = cli(['check', '--policy', 'nope.yaml'], { cwd: dir }).stderr;
    expect(missing).toMatch(/policy file .*nope\.yaml does not exist/);
    // People write the policy file; no tool "wrote the report".
    expect(missing).not.toMatch(/wrote the report/);
    expect(cli(['check', '--fail-on', 'budget,typo'], { cwd: dir }).stderr).toMatch(/--fail-on "typo" is not one of budget, regression, anomaly/);
  });

  describe('a one-off spike settled by the newest run', () => {
    // 30 stable runs, a 3× spike at run 31, then run 32 back at the usual level.
    const spiky = (withNext: boolean) =>
      [...Array.from({ length: 30 }, (_, i) => 120 + ((i * 37) % 11) / 5), 360, ...(withNext ? [120.8] : [])].map((value, i) => ({ name: 'build_time', value, timestamp: END + i * 1000 }));

    it('fails on the spike while it is the newest run (--fail-on anomaly)', async () => {
      const dir = tmp();
      await seed(dir, spiky(false));
      const r = cli(['check', '--fail-on', 'anomaly'], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+build_time\s+anomaly\s+latest build_time = 360 is an outlier/);
    });

    it('reports it as a confirmed one-off spike once the next run is back, and passes even with --fail-on anomaly', async () => {
      const dir = tmp();
      await seed(dir, spiky(true));
      const r = cli(['check', '--fail-on', 'budget,regression,anomaly'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/warn\s+build_time\s+anomaly\s+run 31 of build_time was a one-off spike: 360 \(above the usual 12\d(\.\d+)?, .*\); the next run was back at 120\.8 · confidence 0\.\d+/);
      expect(r.stdout).toMatch(/check passed/);
      const report = JSON.parse(cli(['check', '--fail-on', 'anomaly', '--json'], { cwd: dir }).stdout);
      expect(report).toMatchObject({ passed: true, failed: 0, warnings: 1 });
      const [spike] = report.results;
      expect(spike).toMatchObject({ metric: 'build_time', check: 'anomaly', status: 'warn', evidence: { confirmed: true, index: 30, value: 360, nextValue: 120.8 } });
      expect(spike.confidence).toBeGreaterThanOrEqual(0.8);
      expect(spike.confidence).toBeLessThanOrEqual(1);
      const md = cli(['check', '--format', 'markdown'], { cwd: dir }).stdout;
      expect(md).toMatch(/^### ✅ autodev check passed/);
      expect(md).toMatch(/\| ⚠️ \| `build_time` \| anomaly \| run 31 of build_time was a one-off spike/);
    });
  });

  it('passes on an empty or missing store, unless --require-data', () => {
    const dir = tmp();
    expect(cli(['check'], { cwd: dir }).status).toBe(0);
    const r = cli(['check', '--require-data', '--store', 'nope/metrics.jsonl'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing to check: the store holds no metrics \(--require-data\)/);
    expect(r.stderr).toMatch(/AUTODEV_STORE/);
  });

  it('--require-data fails when a metric named with --metric (or the --where filter) matches no record', async () => {
    const dir = await demoDir();
    // A typo in --metric used to print a "skip" line and pass, so a gate on a misspelt metric never failed.
    const typo = cli(['check', '--metric', 'test_duraton', '--require-data'], { cwd: dir });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/nothing to check: no records of test_duraton \(--require-data\)/);
    expect(typo.stderr).toMatch(/spelling of --metric/);
    expect(cli(['check', '--metric', 'test_duration', '--metric', 'test_duraton', '--require-data'], { cwd: dir }).status).toBe(2);
    expect(cli(['check', '--require-data', '--where', 'branch=nope'], { cwd: dir }).stderr).toMatch(/nothing to check: no records match --where/);
    expect(cli(['check', '--require-data', '--baseline', 'branch=main', '--where', 'branch=nope'], { cwd: dir }).status).toBe(2);
    // Without --require-data a metric with no data is a skip, as on a first run.
    expect(cli(['check', '--metric', 'test_duraton'], { cwd: dir }).status).toBe(0);
    expect(cli(['check', '--metric', 'coverage_percent', '--require-data'], { cwd: dir }).status).toBe(0);
  });

  it('refuses an empty --fail-on, which would make a gate that never fails', async () => {
    const dir = await demoDir();
    for (const value of ['', ' , ']) {
      const r = cli(['check', '--fail-on', value], { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--fail-on needs at least one of budget, regression, anomaly/);
    }
  });

  it('says when a finding stayed below the threshold instead of "no regression"', async () => {
    const dir = tmp();
    // A step of about +7 in the newest 5 runs, significant but with a calibrated confidence of 0.70.
    const values = [108, 101, 105, 109, 102, 106, 110, 103, 107, 100, 104, 108, 101, 105, 109, 102, 106, 110, 103, 107, 116.1, 108.9, 112.7, 116.8, 109.6];
    await seed(dir, values.map((value, i) => ({ name: 'build_time', value, timestamp: END + i * 1000 })));
    const r = cli(['check'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok\s+build_time\s+ok\s+no budget breach, regression or anomaly at confidence ≥ 0\.8 \(below it: regression 0\.7\d; see autodev insights --min-confidence 0\.5\)/);
  });

  it('warns about a step that has become the baseline (established), and passes even with --fail-on regression', async () => {
    const dir = tmp();
    // 20 runs at about 120, then 15 at about 160: the step is 15 runs old, older than a regression baseline.
    const values = [...Array.from({ length: 20 }, (_, i) => 120 + ((i * 37) % 11) / 5), ...Array.from({ length: 15 }, (_, i) => 160 + ((i * 37) % 11) / 5)];
    await seed(dir, values.map((value, i) => ({ name: 'build_time', value, timestamp: END + i * 1000 })));
    const r = cli(['check', '--fail-on', 'budget,regression,anomaly'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/warn\s+build_time\s+regression\s+build_time rose \+33% at run 21 and has stayed there for 15 runs/);
    const report = JSON.parse(cli(['check', '--json'], { cwd: dir }).stdout);
    expect(report).toMatchObject({ passed: true, failed: 0, warnings: 1 });
    expect(report.results[0]).toMatchObject({ metric: 'build_time', check: 'regression', status: 'warn', evidence: { source: 'established', changeIndex: 20, currentN: 15 } });
  });

  describe('--baseline branch=main', () => {
    const history = (feature: number[]) => {
      const recs: MetricRecordInput[] = [];
      for (let i = 0; i < 20; i++) recs.push({ name: 'test_duration', value: 42 + ((i * 37) % 11) / 10, timestamp: END + i * 1000, metadata: { branch: 'main' } });
      feature.forEach((v, i) => recs.push({ name: 'test_duration', value: v, timestamp: END + 100_000 + i * 1000, metadata: { branch: 'feature/x' } }));
      return recs;
    };

    it('fails when the newest feature-branch runs are slower than main', async () => {
      const dir = tmp();
      await seed(dir, history([55.1, 54.8, 56.2, 55.5]));
      const r = cli(['check', '--baseline', 'branch=main', '--candidate', 'branch=feature/x'], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+test_duration\s+regression\s+4 newest runs \+3\d% vs baseline median 42\.\d/);
    });

    it('passes when they are in line, and takes the candidate branch from CI variables', async () => {
      const dir = tmp();
      await seed(dir, history([42.3, 42.6, 42.1]));
      const r = cli(['check', '--baseline', 'branch=main'], { cwd: dir, env: { GITHUB_HEAD_REF: 'feature/x' } });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/ok\s+test_duration\s+ok\s+3 newest runs in line with 20 baseline runs/);
      expect(r.stdout).toMatch(/newest runs of branch=feature\/x vs baseline branch=main/);
    });

    it('does not fail on a difference a Mann–Whitney test calls significant at 5% but not at the calibrated 0.8', async () => {
      // p = 0.012 (significant at 5%): "confidence" 1 − p = 0.99 failed the PR before; the calibrated map says 0.64.
      const dir = tmp();
      const recs: MetricRecordInput[] = [];
      for (let i = 0; i < 30; i++) recs.push({ name: 'test_duration', value: 100 + ((i * 37) % 11) - 5, timestamp: END + i * 1000, metadata: { branch: 'main' } });
      [104, 103, 105, 102, 104].forEach((value, i) => recs.push({ name: 'test_duration', value, timestamp: END + 100_000 + i * 1000, metadata: { branch: 'feature/x' } }));
      await seed(dir, recs);
      const r = cli(['check', '--baseline', 'branch=main', '--candidate', 'branch=feature/x', '--json'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ passed: true, failed: 0 });
    });

    it('judges a single run against the baseline distribution', async () => {
      const dir = tmp();
      await seed(dir, history([61]));
      expect(cli(['check', '--baseline', 'branch=main'], { cwd: dir }).status).toBe(1);
    });

    it('warns, and does not fail, on a change of a metric without a direction (tests), as the history mode does', async () => {
      const dir = tmp();
      const recs: MetricRecordInput[] = [];
      // More tests on the feature branch is neither better nor worse: it must not fail the pull request.
      for (let i = 0; i < 20; i++) recs.push({ name: 'tests', value: 120, timestamp: END + i * 1000, metadata: { branch: 'main' } });
      for (let i = 0; i < 5; i++) recs.push({ name: 'tests', value: 140, timestamp: END + 100_000 + i * 1000, metadata: { branch: 'feature/x' } });
      await seed(dir, recs);
      const r = cli(['check', '--baseline', 'branch=main', '--candidate', 'branch=feature/x', '--json'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).results).toMatchObject([{ metric: 'tests', check: 'regression', status: 'warn', detail: expect.stringMatching(/tests has no direction, so this only warns/) }]);
      // With a direction from the policy, the same change is judged and fails.
      writeFileSync(join(dir, 'policy.yaml'), 'metrics:\n  tests: { direction: lower }\n');
      expect(cli(['check', '--baseline', 'branch=main', '--candidate', 'branch=feature/x', '--policy', 'policy.yaml'], { cwd: dir }).status).toBe(1);
    });

    it('applies --where to the baseline and the candidate runs', async () => {
      const dir = tmp();
      const recs: MetricRecordInput[] = [];
      for (let i = 0; i < 20; i++)
        for (const suite of ['ui', 'db']) recs.push({ name: 'test_duration_suite', value: 10 + ((i * 37) % 11) / 10, timestamp: END + i * 1000, metadata: { branch: 'main', suite } });
      // On the feature branch only the db suite got slower.
      for (let i = 0; i < 4; i++) {
        recs.push({ name: 'test_duration_suite', value: 10.4, timestamp: END + 100_000 + i * 1000, metadata: { branch: 'feature/x', suite: 'ui' } });
        recs.push({ name: 'test_duration_suite', value: 20 + i / 10, timestamp: END + 100_000 + i * 1000, metadata: { branch: 'feature/x', suite: 'db' } });
      }
      await seed(dir, recs);
      const base = ['check', '--baseline', 'branch=main', '--candidate', 'branch=feature/x', '--runs', '4'];
      expect(cli([...base, '--where', 'suite=db'], { cwd: dir }).status).toBe(1);
      const ui = cli([...base, '--where', 'suite=ui'], { cwd: dir });
      expect(ui.status).toBe(0);
      expect(ui.stdout).toMatch(/ok\s+test_duration_suite\s+ok\s+4 newest runs in line with 20 baseline runs/);
    });

    it('skips (and passes) a metric whose baseline is smaller than --min-samples', async () => {
      const dir = tmp();
      await seed(dir, history([80, 81]));
      const r = cli(['check', '--baseline', 'branch=main', '--min-samples', '30'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/skip\s+test_duration\s+data\s+not enough baseline data: 20 runs matching branch=main, need 30/);
    });
  });
});

describe('autodev compare', () => {
  it('prints the A/B verdict with shift, interval, p-value and effect size', async () => {
    const dir = tmp();
    const recs: MetricRecordInput[] = [];
    for (let i = 0; i < 12; i++) {
      recs.push({ name: 'test_duration', value: 40 + (i % 4), timestamp: END + i, metadata: { branch: 'main' } });
      recs.push({ name: 'test_duration', value: 50 + (i % 4), timestamp: END + i, metadata: { branch: 'feature' } });
    }
    await seed(dir, recs);
    const r = cli(['compare', 'test_duration', '--a', 'branch=main', '--b', 'branch=feature'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/A: n=12, median 41\.5 {4}B: n=12, median 51\.5/);
    expect(r.stdout).toMatch(/shift B−A: \+10 \(95% interval \+\d+(\.\d+)? … \+\d+(\.\d+)?\)/);
    expect(r.stdout).toMatch(/Mann–Whitney p <0\.001, Cliff's delta 1/);
    expect(r.stdout).toMatch(/verdict: b-higher/);
    const json = JSON.parse(cli(['compare', 'test_duration', '--a', 'branch=main', '--b', 'branch=feature', '--json'], { cwd: dir }).stdout);
    expect(json).toMatchObject({ metric: 'test_duration', verdict: 'b-higher', shift: 10, nA: 12, nB: 12 });
  });

  it('exits 2 when a group matches nothing or --b is missing', async () => {
    const dir = tmp();
    await seed(dir, [{ name: 'x', value: 1, timestamp: END, metadata: { branch: 'main' } }]);
    const r = cli(['compare', 'x', '--a', 'branch=main', '--b', 'branch=nope'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no x records match --b branch=nope/);
    expect(cli(['compare', 'x', '--a', 'branch=main'], { cwd: dir }).stderr).toMatch(/required option '--b <key=value>' not specified/);
  });
});

describe('autodev demo', () => {
  it('runs trends, insights and check on a generated history and exits 0', () => {
    const r = cli(['demo'], { cwd: tmp() });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/▶ \$ autodev trends\n/);
    expect(r.stdout).toMatch(/▶ \$ autodev insights/);
    expect(r.stdout).toMatch(/FAIL\s+api_latency_users_p95\s+budget/);
    expect(r.stdout).toMatch(/FAIL\s+test_duration\s+regression/);
    expect(r.stdout).toMatch(/FAIL\s+build_time\s+anomaly/);
    expect(r.stdout).toMatch(/check exited with 1 → this CI job would fail/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('refuses --store and --json instead of ignoring them, and never touches the named store', () => {
    const dir = tmp();
    const store = join(dir, 'mine.jsonl');
    const withStore = cli(['demo', '--store', store], { cwd: dir });
    expect(withStore.status).toBe(2);
    expect(withStore.stderr).toMatch(/demo always works in a temporary store.*drop --store/);
    expect(existsSync(store)).toBe(false);
    const withJson = cli(['--json', 'demo'], { cwd: dir });
    expect(withJson.status).toBe(2);
    expect(withJson.stderr).toMatch(/no --json output/);
    expect(withJson.stdout).toBe('');
  });

  it('with --quiet prints only the commands\' output, and the kept store path', () => {
    const dir = tmp();
    const r = cli(['demo', '-q', '--keep'], { cwd: dir, env: { TMPDIR: dir } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/▶|What this shows|A generated history/);
    expect(r.stdout).toMatch(/FAIL\s+test_duration\s+regression/);
    const kept = /The store was kept: try {2}autodev trends --store (\S+)/.exec(r.stdout)?.[1];
    expect(kept !== undefined && existsSync(kept)).toBe(true);
    // `check` from the kept folder finds the store and the demo's policy there (a budget breach fails it).
    const folder = /cd (\S+) && autodev check/.exec(r.stdout)?.[1];
    const check = cli(['check'], { cwd: folder! });
    expect(check.stdout).toMatch(/FAIL\s+api_latency_users_p95\s+budget/);
    expect(check.status).toBe(1);
  });

  it('when the reader of stdout leaves (`autodev demo | head`), exits 0 without a stack trace and removes its temporary store', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [cliPath, 'demo'], { cwd: dir, env: cleanEnv({ TMPDIR: dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -1`: read the first chunk, then close the pipe while the demo is still writing.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('autodev-demo-'))).toEqual([]);
  });
});

describe('--where on a value recorded as a number', () => {
  it('says to use key:=value when key=value matched nothing', async () => {
    const dir = tmp();
    await seed(dir, [{ name: 'build_time', value: 100, timestamp: END, metadata: { pr: 59 } }]);
    const r = cli(['trends', '--where', 'pr=59'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/no records match the --where filter \(--where pr=59 matches the text "59"; for a number recorded with pr:=59, use --where pr:=59\)/);
    expect(cli(['trends', '--where', 'pr:=59'], { cwd: dir }).stdout).toMatch(/build_time/);
  });
});

describe('check and a run dated in the future', () => {
  it('warns that a future-dated newest run is the one judged until then', async () => {
    const dir = tmp();
    const now = Date.now();
    const values = [10, 10.2, 9.9, 10.1, 10, 9.8, 10.1, 10, 10.2, 9.9, 10];
    await seed(dir, [
      ...values.map((value, i) => ({ name: 'build_time', value, timestamp: now - (values.length - i) * 60_000 })),
      { name: 'build_time', value: 10, timestamp: now + 3 * 86_400_000 },
    ]);
    const r = cli(['check'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/warn\s+build_time\s+data\s+the newest run is dated \S+, 3 days ahead of this machine's clock/);
  });
});
