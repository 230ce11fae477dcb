// Benchmarks of the built CLI (run `pnpm build` first; `pnpm bench` does it through turbo):
//  1. start-up: `autodev record` end to end vs `node -e 0`, interleaved runs, median ratio (goal <= 3x);
//  2. `autodev trends` over a 1,000,000-record file store (20 metrics x 50,000 runs), and `autodev record`
//     into that store.
// Options: --runs N (default 20), --records N (default 1000000), --skip-big.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const runs = opt('--runs', 20);
const total = opt('--records', 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'autodev-bench-'));
const env = { ...process.env, NO_COLOR: '1' };
delete env.AUTODEV_STORE;

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: dir, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

try {
  console.log(`autodev CLI benchmarks — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})\n`);
  // Warm the file-system cache so the first sample of either side is not an outlier.
  time(['-e', '0']);
  time([cli, 'record', 'warmup', '1', '-q']);
  const node = [];
  const record = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved so that both sides see the same background load.
    node.push(time(['-e', '0']));
    record.push(time([cli, 'record', 'test_duration', String(10 + (i % 7)), '--meta', 'suite=bench', '-q']));
  }
  const mn = median(node);
  const mr = median(record);
  console.log('| command | median | ratio |');
  console.log('|---|---:|---:|');
  console.log(`| node -e 0 | ${fmt(mn)} | 1.00× |`);
  console.log(`| autodev record test_duration 12 --meta suite=bench | ${fmt(mr)} | ${(mr / mn).toFixed(2)}× |`);
  console.log(`\n(${runs} interleaved runs each; goal: autodev record ≤ 3× node -e 0)\n`);

  if (!args.includes('--skip-big')) {
    const big = join(dir, 'big.jsonl');
    const t0 = Date.now();
    const { openFileStore } = await import('@autodev/storage-file');
    const store = await openFileStore({ path: big });
    const metrics = 20;
    const perMetric = Math.ceil(total / metrics);
    const start = Date.UTC(2020, 0, 1);
    let written = 0;
    const batch = [];
    for (let i = 0; i < perMetric && written < total; i++) {
      for (let m = 0; m < metrics && written < total; m++, written++) {
        batch.push({ name: `metric_${String(m).padStart(2, '0')}_duration`, value: 10 + m + Math.sin(i / 50) + ((i * 7919 + m * 104729) % 1000) / 1000, timestamp: start + i * 60_000, metadata: { branch: 'main' } });
      }
      if (batch.length >= 50_000) await store.append(batch.splice(0));
    }
    if (batch.length > 0) await store.append(batch.splice(0));
    await store.close();
    const mb = statSync(big).size / 1e6;
    console.log(`generated ${written.toLocaleString('en-US')} records (${metrics} metrics) in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${mb.toFixed(0)} MB\n`);
    const trends = [];
    const recordBig = [];
    for (let i = 0; i < 3; i++) {
      trends.push(time([cli, 'trends', '--store', big]));
      recordBig.push(time([cli, 'record', 'metric_00_duration', '11', '--store', big, '-q']));
    }
    console.log('| command (1,000,000-record store) | median of 3 |');
    console.log('|---|---:|');
    console.log(`| autodev trends (all ${metrics} metrics, window 30) | ${fmt(median(trends))} |`);
    console.log(`| autodev trends metric_00_duration | ${fmt(median([0, 1, 2].map(() => time([cli, 'trends', 'metric_00_duration', '--store', big]))))} |`);
    console.log(`| autodev record into it | ${fmt(median(recordBig))} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
