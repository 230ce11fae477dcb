import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, storeLines, useTempDir } from './helpers.js';

const tmp = useTempDir();
const store = (dir: string) => join(dir, '.autodev', 'metrics.jsonl');

describe('autodev record', () => {
  it('appends one record with metadata and a timestamp to the default store', () => {
    const dir = tmp();
    const r = cli(['record', 'test_duration', '12.5', '--meta', 'suite=integration', '--meta', 'pr:=42', '--at', '2026-01-31T12:00:00Z'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/recorded 1 value/);
    expect(storeLines(readFileSync(store(dir), 'utf8'))).toEqual([
      { name: 'test_duration', value: 12.5, timestamp: Date.UTC(2026, 0, 31, 12), metadata: { suite: 'integration', pr: 42 } },
    ]);
  });

  it('adds branch and commit from CI variables unless --no-ci-meta', () => {
    const dir = tmp();
    const env = { GITHUB_REF_NAME: 'main', GITHUB_SHA: 'abc123' };
    expect(cli(['record', 'x', '1', '--quiet'], { cwd: dir, env }).status).toBe(0);
    expect(cli(['record', 'x', '2', '--no-ci-meta', '--meta', 'branch=other'], { cwd: dir, env }).status).toBe(0);
    expect(storeLines(readFileSync(store(dir), 'utf8')).map((l) => l.metadata)).toEqual([{ branch: 'main', commit: 'abc123' }, { branch: 'other' }]);
  });

  it('honours --store and AUTODEV_STORE (file: URLs too), and prints JSON with --json', () => {
    const dir = tmp();
    const r = cli(['record', 'a', '1', '--store', 'custom/m.jsonl', '--json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ name: 'a', value: 1, metadata: {} }]);
    expect(existsSync(join(dir, 'custom', 'm.jsonl'))).toBe(true);
    expect(cli(['record', 'b', '2', '-q'], { cwd: dir, env: { AUTODEV_STORE: `file://${join(dir, 'env.jsonl')}` } }).status).toBe(0);
    expect(storeLines(readFileSync(join(dir, 'env.jsonl'), 'utf8'))).toMatchObject([{ name: 'b', value: 2 }]);
  });

  it.each([
    [['record', 'x', 'abc'], /value for x must be a finite number/],
    [['record', 'x', 'NaN'], /finite number/],
    [['record', 'x'], /^autodev: error: missing required argument 'value'/],
    [['record', 'x', '1', '--meta', 'novalue'], /--meta "novalue" must look like key=value/],
    [['record', 'x', '1', '--at', 'yesterday'], /--at must be an ISO-8601 time/],
    [['record', '', '1'], /metric name must not be empty/],
    [['record', 'x', '1', '--bogus'], /^autodev: error: unknown option '--bogus'/],
    [['recrd'], /unknown command 'recrd'/],
    [[], /Usage: autodev/],
  ])('exits 2 with a message for bad usage: %j', (args, message) => {
    const dir = tmp();
    const r = cli(args, { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    expect(existsSync(store(dir))).toBe(false);
  });

  it('shows a stack trace only with --debug', () => {
    const r = cli(['record', 'x', 'abc', '--debug'], { cwd: tmp() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('prints help and the version with exit code 0', () => {
    const dir = tmp();
    for (const args of [['--help'], ['record', '--help'], ['import', 'junit', '--help'], ['check', '--help'], ['--version']]) {
      const r = cli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
    // The exit-code line used to leave out run's, which passes its command's code through.
    expect(cli(['--help'], { cwd: dir }).stdout).toContain("`run` exits with its command's code");
    expect(cli(['run', '--help'], { cwd: dir }).stdout).toMatch(/Exit code: the command's own \(128 \+ signal number/);
  });
});

describe('store URLs', () => {
  it('names the package to install for a scheme whose plugin is missing', () => {
    const r = cli(['record', 'x', '1', '--store', 'redis://localhost:6379/0'], { cwd: tmp() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs the package @autodev\/storage-redis/);
    expect(r.stderr).toMatch(/npm install @autodev\/storage-redis/);
  });

  it('maps postgresql:// to @autodev/storage-postgres and hides the password', () => {
    // 127.0.0.1:1, not a host name: nothing listens there, so the connection is refused at once (a name such as "db"
    // waits for DNS, and on a network where it resolves, for whatever answers there).
    const r = cli(['record', 'x', '1', '--store', 'postgresql://ci:s3cret@127.0.0.1:1/metrics'], { cwd: tmp() });
    // storage-postgres may be installed in the workspace; either it is missing or it fails to connect.
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/s3cret/);
  });

  it('loads a plugin installed in the project: @autodev/storage-<scheme> exporting openStore(url)', () => {
    const dir = tmp();
    const pkg = join(dir, 'node_modules', '@autodev', 'storage-mem');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@autodev/storage-mem', type: 'module', main: 'index.js' }));
    writeFileSync(
      join(pkg, 'index.js'),
      `import { appendFileSync } from 'node:fs';
       export async function openStore(url) {
         return { async append(records) { appendFileSync(${JSON.stringify(join(dir, 'log.txt'))}, url + ' ' + JSON.stringify(records) + '\\n'); },
                  async query() { return []; }, async names() { return []; }, async close() {} };
       }`,
    );
    const r = cli(['record', 'x', '7', '--store', 'mem:anything'], { cwd: dir });
    expect(r.stderr).toMatch(/recorded 1 value/);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/^mem:anything \[\{"name":"x","value":7/);
  });
});

describe('a corrupt store', () => {
  it('appends after a torn last line (a writer killed mid-write) without reading the store; the next read warns and reads past it', () => {
    const dir = tmp();
    expect(cli(['record', 'x', '1', '-q'], { cwd: dir }).status).toBe(0);
    writeFileSync(store(dir), readFileSync(store(dir), 'utf8') + '{"name":"x","val');
    // `record` only appends (the store opens lazily), so it stays fast on big stores; it still
    // starts its record on a fresh line.
    const r = cli(['record', 'x', '2'], { cwd: dir });
    expect(r.status).toBe(0);
    const csv = cli(['export'], { cwd: dir });
    expect(csv.status).toBe(0);
    expect(csv.stderr).toMatch(/autodev: warning: .*metrics\.jsonl:3/);
    expect(csv.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[3])).toEqual(['1', '2']);
  });

  it('read commands exit 2 naming the file and line, and leave every byte as it was', () => {
    const dir = tmp();
    expect(cli(['record', 'x', '1', '-q'], { cwd: dir }).status).toBe(0);
    expect(cli(['record', 'x', '2', '-q'], { cwd: dir }).status).toBe(0);
    const lines = readFileSync(store(dir), 'utf8').split('\n');
    lines.splice(2, 0, '{"name":"x","value":oops}');
    const damaged = lines.join('\n');
    writeFileSync(store(dir), damaged);
    // An append never reads or rewrites what is there: the damaged bytes stay as they were.
    expect(cli(['record', 'x', '3', '-q'], { cwd: dir }).status).toBe(0);
    const appended = readFileSync(store(dir), 'utf8');
    expect(appended.startsWith(damaged)).toBe(true);
    for (const args of [['export'], ['trends'], ['insights']]) {
      const r = cli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/metrics\.jsonl/);
      expect(r.stderr).toMatch(/metrics\.jsonl:3/);
      expect(readFileSync(store(dir), 'utf8')).toBe(appended);
    }
  });
});

describe('autodev import', () => {
  it('junit: records totals from the vitest report, per suite with --per-suite', () => {
    const dir = tmp();
    const r = cli(['import', 'junit', fixture('junit-vitest.xml'), '--per-suite', '--meta', 'branch=main'], { cwd: dir });
    expect(r.status).toBe(0);
    const recs = storeLines(readFileSync(store(dir), 'utf8'));
    const byName = Object.fromEntries(recs.filter((x) => x.name !== 'test_duration_suite').map((x) => [x.name, x.value]));
    expect(byName).toEqual({ test_duration: 0.101545488, tests: 8, failures: 1, errors: 0, skipped: 1 });
    expect(recs.filter((x) => x.name === 'test_duration_suite').map((x) => (x.metadata as { suite: string }).suite)).toEqual(['math.test.js', 'slow.test.js']);
    expect(recs.every((x) => (x.metadata as { branch: string }).branch === 'main')).toBe(true);
  });

  it.each([
    ['junit-jest.xml', { test_duration: 2.345, tests: 5, failures: 1, errors: 0, skipped: 1 }],
    ['junit-pytest.xml', { test_duration: 3.127, tests: 6, failures: 1, errors: 1, skipped: 1 }],
  ])('junit: %s', (file, expected) => {
    const r = cli(['import', 'junit', fixture(file), '--dry-run', '--json'], { cwd: tmp() });
    expect(r.status).toBe(0);
    expect(Object.fromEntries((JSON.parse(r.stdout) as { name: string; value: number }[]).map((x) => [x.name, x.value]))).toEqual(expected);
  });

  it('junit: several Surefire files are summed as one run; --dry-run writes nothing', () => {
    const dir = tmp();
    const r = cli(['import', 'junit', fixture('surefire-reports/TEST-com.example.CartTest.xml'), fixture('surefire-reports/TEST-com.example.UserTest.xml'), '--dry-run', '--json'], { cwd: dir });
    expect(r.status).toBe(0);
    const got = Object.fromEntries((JSON.parse(r.stdout) as { name: string; value: number }[]).map((x) => [x.name, x.value]));
    expect(got).toMatchObject({ tests: 5, failures: 1, errors: 1, skipped: 1 });
    expect(got.test_duration).toBeCloseTo(1204.85, 9);
    expect(existsSync(store(dir))).toBe(false);
  });

  it('coverage: lcov and json-summary of the same vitest run', () => {
    const dir = tmp();
    expect(cli(['import', 'coverage', fixture('lcov-vitest-v8.info'), '-q'], { cwd: dir }).status).toBe(0);
    expect(cli(['import', 'coverage', fixture('coverage-summary-vitest-v8.json'), '-q'], { cwd: dir }).status).toBe(0);
    const recs = storeLines(readFileSync(store(dir), 'utf8'));
    expect(recs.filter((x) => x.name === 'coverage_percent').map((x) => x.value)).toEqual([62.5, 62.5]);
    expect(recs.filter((x) => x.name === 'coverage_branches_percent').map((x) => x.value)).toEqual([83.3333, 83.3333]);
    expect(recs.find((x) => x.name === 'coverage_statements_percent')?.value).toBe(72.7273);
  });

  it('eslint: lint_errors and lint_warnings', () => {
    const r = cli(['import', 'eslint', fixture('eslint.json'), '--json'], { cwd: tmp() });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string; value: number }[]).map((x) => [x.name, x.value])).toEqual([['lint_errors', 2], ['lint_warnings', 2]]);
  });

  it('monitor: latency quantiles, call and error counts per operation', () => {
    const r = cli(['import', 'monitor', fixture('monitor-snapshot.json'), '--json', '--dry-run'], { cwd: tmp() });
    expect(r.status).toBe(0);
    const got = Object.fromEntries((JSON.parse(r.stdout) as { name: string; value: number }[]).map((x) => [x.name, x.value]));
    expect(Object.keys(got).sort()).toEqual(
      ['api_calls_db_query', 'api_calls_get_users', 'api_errors_db_query', 'api_errors_get_users', 'api_latency_db_query_p50', 'api_latency_db_query_p95', 'api_latency_db_query_p99', 'api_latency_get_users_p50', 'api_latency_get_users_p95', 'api_latency_get_users_p99'].sort(),
    );
    expect(got.api_calls_get_users).toBe(500);
    // The fixture's GET /users latencies are uniform on [0.08, 0.16] s plus rare 0.4 s outliers.
    expect(got.api_latency_get_users_p50).toBeGreaterThan(0.11);
    expect(got.api_latency_get_users_p50).toBeLessThan(0.13);
  });

  it.each([
    [['import', 'junit', 'missing.xml'], /JUnit report missing\.xml does not exist/, 2],
    [['import', 'junit', fixture('junit-truncated.xml')], /junit-truncated\.xml:6:\d+: not well-formed XML/, 2],
    [['import', 'junit', fixture('eslint.json')], /not well-formed XML|not a JUnit XML report/, 2],
    [['import', 'coverage', fixture('lcov-malformed.info')], /lcov-malformed\.info:4: LF must be a whole number/, 2],
    [['import', 'coverage', fixture('junit-vitest.xml')], /XML coverage/, 2],
    [['import', 'eslint', fixture('eslint-malformed.json')], /expected a JSON array/, 2],
    [['import', 'monitor', fixture('eslint.json')], /not a PerformanceMonitor snapshot/, 2],
    [['import', 'eslint', fixture('.')], /is a directory/, 2],
    [['import', 'bogus', 'x'], /unknown command 'bogus'/, 2],
  ])('rejects bad input without writing: %j', (args, message, status) => {
    const dir = tmp();
    const r = cli(args, { cwd: dir });
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(existsSync(store(dir))).toBe(false);
  });
});

describe('autodev run', () => {
  it('streams output untouched, records wall time and peak memory of the process tree, exits 0', () => {
    const dir = tmp();
    const script = "process.stdout.write('out\\u00e9\\n'); process.stderr.write('err\\n'); const { spawnSync } = require('node:child_process'); spawnSync(process.execPath, ['-e', 'const b = Buffer.alloc(150e6, 1); setTimeout(() => b, 200)'])";
    const r = cli(['run', '--meta', 'job=build', '--', process.execPath, '-e', script], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('outé\n');
    expect(r.stderr.startsWith('err\n')).toBe(true);
    const recs = storeLines(readFileSync(store(dir), 'utf8'));
    expect(recs.map((x) => x.name)).toEqual(process.platform === 'linux' ? ['build_time', 'memory_usage'] : ['build_time']);
    expect(recs[0]!.value).toBeGreaterThan(0.2);
    expect(recs[0]!.metadata).toEqual({ job: 'build' });
    // The grandchild holds 150 MB: the tree's peak must include it.
    if (process.platform === 'linux') expect(recs[1]!.value).toBeGreaterThan(140);
  });

  it("exits with the command's exit code and records nothing on failure (unless --always)", () => {
    const dir = tmp();
    const r = cli(['run', '--', 'sh', '-c', 'exit 3'], { cwd: dir });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^autodev: sh -c 'exit 3' failed \(exit code 3\) after [\d.]+ s; not recorded/m);
    expect(existsSync(store(dir))).toBe(false);
    const r2 = cli(['run', '--always', '--metric', 'test_duration', '--no-memory', '--', 'sh', '-c', 'exit 4'], { cwd: dir });
    expect(r2.status).toBe(4);
    expect(storeLines(readFileSync(store(dir), 'utf8'))).toMatchObject([{ name: 'test_duration', metadata: { exit_code: 4 } }]);
  });

  it('exits 128 + signal for a signal-killed command, 127 for a missing one', () => {
    const dir = tmp();
    expect(cli(['run', '--', 'sh', '-c', 'kill -TERM $$'], { cwd: dir }).status).toBe(143);
    expect(cli(['run', '--', 'sh', '-c', 'kill -KILL $$'], { cwd: dir }).status).toBe(137);
    const r = cli(['run', '--', 'no-such-command-autodev'], { cwd: dir });
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/command not found/);
  });

  it('exits 126 for a file that is not executable, saying how to run it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'build.sh'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const r = cli(['run', '--', './build.sh'], { cwd: dir });
    expect(r.status).toBe(126);
    expect(r.stderr).toMatch(/make it executable \(chmod \+x \.\/build\.sh\) or run it through its interpreter \(autodev run -- sh \.\/build\.sh\)/);
  });

  it('passes options after the command through to it', () => {
    const r = cli(['run', '--no-memory', 'node', '-e', 'console.log(process.argv.slice(1).join(" "))', '--', '--json', '-q'], { cwd: tmp() });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('--json -q\n');
  });
});

describe('autodev export', () => {
  const seed = (dir: string) => {
    expect(cli(['record', 'test_duration', '12.5', '--meta', 'branch=main', '--at', '2026-01-01T00:00:00Z', '-q'], { cwd: dir }).status).toBe(0);
    expect(cli(['record', 'test_duration', '13', '--meta', 'branch=main', '--at', '2026-01-02T00:00:00Z', '-q'], { cwd: dir }).status).toBe(0);
    expect(cli(['record', 'coverage_percent', '81.5', '--meta', 'note=a "quoted", value', '--at', '2026-01-02T00:00:00Z', '-q'], { cwd: dir }).status).toBe(0);
  };

  it('csv, with RFC 4180 quoting', () => {
    const dir = tmp();
    seed(dir);
    const r = cli(['export'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'timestamp,time,name,value,metadata\n' +
        '1767225600000,2026-01-01T00:00:00.000Z,test_duration,12.5,"{""branch"":""main""}"\n' +
        '1767312000000,2026-01-02T00:00:00.000Z,test_duration,13,"{""branch"":""main""}"\n' +
        '1767312000000,2026-01-02T00:00:00.000Z,coverage_percent,81.5,"{""note"":""a \\""quoted\\"", value""}"\n',
    );
  });

  it('json and jsonl, filtered by metric, --where and time', () => {
    const dir = tmp();
    seed(dir);
    const json = JSON.parse(cli(['export', '--format', 'json', '--metric', 'test_duration', '--from', '2026-01-02'], { cwd: dir }).stdout);
    expect(json).toEqual([{ name: 'test_duration', value: 13, timestamp: 1767312000000, metadata: { branch: 'main' } }]);
    const lines = cli(['export', '--format', 'jsonl', '--where', 'branch=main'], { cwd: dir }).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).value)).toEqual([12.5, 13]);
    const out = join(dir, 'out.json');
    expect(cli(['export', '--format', 'json', '-o', out], { cwd: dir }).status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(3);
  });

  it('--json, after or before the command, is --format json; with another --format it is an error', () => {
    const dir = tmp();
    seed(dir);
    const expected = cli(['export', '--format', 'json'], { cwd: dir }).stdout;
    for (const args of [['export', '--json'], ['--json', 'export'], ['export', '--json', '--format', 'json']]) {
      const r = cli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toBe(expected);
    }
    const both = cli(['--json', 'export', '--format', 'csv'], { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--json and --format csv ask for two formats/);
    expect(cli(['export'], { cwd: dir }).stdout).toMatch(/^timestamp,time,name,value,metadata\n/);
  });

  it('prometheus: newest value per series, metadata as labels', () => {
    const dir = tmp();
    seed(dir);
    const r = cli(['export', '--format', 'prometheus'], { cwd: dir });
    expect(r.stdout).toBe(
      '# HELP coverage_percent newest value of coverage_percent recorded by autodev\n# TYPE coverage_percent gauge\n' +
        'coverage_percent{note="a \\"quoted\\", value"} 81.5 1767312000000\n' +
        '# HELP test_duration newest value of test_duration recorded by autodev\n# TYPE test_duration gauge\n' +
        'test_duration{branch="main"} 13 1767312000000\n',
    );
  });

  it('prometheus: one series per branch, not per commit; --labels picks the label keys', () => {
    const dir = tmp();
    for (const [i, commit] of ['abc0001', 'abc0002', 'abc0003'].entries())
      expect(cli(['record', 'build_time', String(100 + i), '--meta', 'branch=main', '--meta', `commit=${commit}`, '--at', `2026-01-0${i + 1}T00:00:00Z`, '-q'], { cwd: dir }).status).toBe(0);
    const lines = (args: string[]) => cli(['export', '--format', 'prometheus', ...args], { cwd: dir }).stdout.split('\n').filter((l) => l.startsWith('build_time'));
    expect(lines([])).toEqual(['build_time{branch="main"} 102 1767398400000']);
    expect(lines(['--labels', ''])).toEqual(['build_time 102 1767398400000']);
    expect(lines(['--labels', 'branch,commit'])).toHaveLength(3);
    const csv = cli(['export', '--labels', 'branch'], { cwd: dir });
    expect(csv.status).toBe(2);
    expect(csv.stderr).toMatch(/--labels applies to --format prometheus only/);
  });

  it('prometheus: refuses to merge metrics whose names become the same', () => {
    const dir = tmp();
    expect(cli(['record', 'api.latency', '1', '-q', '--no-ci-meta'], { cwd: dir }).status).toBe(0);
    expect(cli(['record', 'api_latency', '2', '-q', '--no-ci-meta'], { cwd: dir }).status).toBe(0);
    const r = cli(['export', '--format', 'prometheus'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/metrics "api.latency", "api_latency" all become api_latency in Prometheus/);
    expect(cli(['export', '--format', 'prometheus', '--metric', 'api.latency'], { cwd: dir }).stdout).toMatch(/^api_latency 1 /m);
  });

  it('round trip: export jsonl / json, then import records into another store (sqlite), timestamps and metadata kept', () => {
    const dir = tmp();
    seed(dir);
    writeFileSync(join(dir, 'h.jsonl'), cli(['export', '--format', 'jsonl'], { cwd: dir }).stdout);
    writeFileSync(join(dir, 'h.json'), cli(['export', '--format', 'json'], { cwd: dir }).stdout);
    const original = cli(['export', '--format', 'json'], { cwd: dir }).stdout;
    for (const [file, target] of [['h.jsonl', 'a.jsonl'], ['h.json', 'sqlite:b.db']] as const) {
      const r = cli(['import', 'records', file, '--store', target], { cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/recorded 3 values/);
      expect(cli(['export', '--format', 'json', '--store', target], { cwd: dir }).stdout).toBe(original);
    }
  });

  it('import records: all or nothing, naming the file and line of a bad record', () => {
    const dir = tmp();
    const ok = JSON.stringify({ name: 'x', value: 1, timestamp: 1767312000000, metadata: {} });
    writeFileSync(join(dir, 'bad.jsonl'), `${ok}\n{"name":"x","value":2}\n`);
    const r = cli(['import', 'records', 'bad.jsonl'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: expected a record \{ name, value, timestamp, metadata\? \}/);
    writeFileSync(join(dir, 'worse.jsonl'), `${ok}\n${ok}\n{"name":"x","value":"NaN","timestamp":1}\nnot json\n`);
    expect(cli(['import', 'records', 'worse.jsonl'], { cwd: dir }).stderr).toMatch(/worse\.jsonl:3: .*value must be a number/);
    writeFileSync(join(dir, 'trunc.jsonl'), `${ok}\n{"name":"x",`);
    expect(cli(['import', 'records', 'trunc.jsonl'], { cwd: dir }).stderr).toMatch(/trunc\.jsonl:2: not a JSON record/);
    expect(existsSync(store(dir))).toBe(false);
  });

  it('import records of a file store itself (not an export) says to export it first, and writes nothing', () => {
    const dir = tmp();
    expect(cli(['record', 'x', '1', '--at', '2026-01-02T00:00:00Z', '--store', 'old store.jsonl', '-q'], { cwd: dir }).status).toBe(0);
    const r = cli(['import', 'records', 'old store.jsonl', '--store', 'new.jsonl'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/old store\.jsonl:1: this is the header of an autodev file store, not an exported record/);
    expect(r.stderr).toMatch(/autodev export --format jsonl --store "old store\.jsonl" > records\.jsonl/);
    expect(r.stderr).not.toMatch(/needs its timestamp/);
    expect(existsSync(join(dir, 'new.jsonl'))).toBe(false);
  });

  it('refuses records dated in the future, which would stay the newest run and hide later ones', () => {
    const dir = tmp();
    const r = cli(['record', 'x', '1', '--at', '2099-01-01T00:00:00Z'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--at 2099-01-01T00:00:00\.000Z is \d+ days in the future/);
    const ok = JSON.stringify({ name: 'x', value: 1, timestamp: 1767312000000, metadata: {} });
    writeFileSync(join(dir, 'future.jsonl'), `${ok}\n${JSON.stringify({ name: 'x', value: 2, timestamp: Date.UTC(2099, 0, 1) })}\n`);
    const imp = cli(['import', 'records', 'future.jsonl'], { cwd: dir });
    expect(imp.status).toBe(2);
    expect(imp.stderr).toMatch(/future\.jsonl:2: timestamp 2099-01-01T00:00:00\.000Z is \d+ days in the future/);
    expect(cli(['import', 'eslint', fixture('eslint.json'), '--at', '2026-02-30'], { cwd: dir }).stderr).toMatch(/--at must be an ISO-8601 time .*: 2026-02-30 is not a calendar date \(2026-02 has 28 days\)/);
    expect(existsSync(store(dir))).toBe(false);
  });

  it('rejects an unknown format and a bad time', () => {
    const dir = tmp();
    expect(cli(['export', '--format', 'xml'], { cwd: dir }).status).toBe(2);
    const r = cli(['export', '--from', 'soon'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--from must be an ISO-8601 time/);
  });
});
