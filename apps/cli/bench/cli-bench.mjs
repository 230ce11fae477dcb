// Benchmarks of the built CLI (run `pnpm build` first; `pnpm bench` does it through turbo):
//  1. start-up: `autodev record` end to end vs `node -e 0`, interleaved runs, median ratio (goal <= 3x), into
//     the file store and into an `autodev serve` collector (another process) through `--store http://`;
//  2. `autodev trends` over a 1,000,000-record file store (20 metrics x 50,000 runs), and `autodev record`
//     into that store.
// Options: --runs N (default 20), --records N (default 1000000), --skip-big.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
// Every run gets the collector's token; the file-store runs ignore it.
const env = { ...process.env, NO_COLOR: '1', AUTODEV_TOKEN: 'bench-collector-token' };
delete env.AUTODEV_STORE;

/** Starts `autodev serve` on a free port over a file store in `dir`; resolves to its URL and the child. */
function startCollector() {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--store', join(dir, 'collector.jsonl'), '-q'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, url: out.split('\n')[0] });
    });
    child.once('exit', (code) => reject(new Error(`autodev serve exited ${code} before printing its URL`)));
  });
}

// Wall time, and CPU time (user + sys) of the child from bash's `time`: on a shared machine the wall
// time includes waiting for a core; the CPU time is what the command itself costs.
function time(argv) {
  const errFile = join(dir, 'stderr.txt');
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%R %U %S"; { time "$@" >/dev/null 2>"$ERR_FILE"; } 2>&1', '_', process.execPath, ...argv], { cwd: dir, env: { ...env, ERR_FILE: errFile }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${readFileSync(errFile, 'utf8')}`);
  const [real, user, sys] = r.stdout.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: real * 1000, cpu: (user + sys) * 1000 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const med = (xs, k) => median(xs.map((x) => x[k]));

let collector;
try {
  console.log(`autodev CLI benchmarks — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})\n`);
  // Warm the file-system cache so the first sample of either side is not an outlier.
  time(['-e', '0']);
  time([cli, 'record', 'warmup', '1', '-q']);
  collector = await startCollector();
  time([cli, 'record', 'warmup', '1', '-q', '--store', collector.url]);
  const node = [];
  const record = [];
  const recordHttp = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved so that every side sees the same background load.
    node.push(time(['-e', '0']));
    record.push(time([cli, 'record', 'test_duration', String(10 + (i % 7)), '--meta', 'suite=bench', '-q']));
    recordHttp.push(time([cli, 'record', 'test_duration', String(10 + (i % 7)), '--meta', 'suite=bench', '-q', '--store', collector.url]));
  }
  console.log('| command | wall (median) | CPU user+sys (median) | ratio (wall) | ratio (CPU) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| node -e 0 | ${fmt(med(node, 'wall'))} | ${fmt(med(node, 'cpu'))} | 1.00× | 1.00× |`);
  console.log(`| autodev record test_duration 12 --meta suite=bench | ${fmt(med(record, 'wall'))} | ${fmt(med(record, 'cpu'))} | ${(med(record, 'wall') / med(node, 'wall')).toFixed(2)}× | ${(med(record, 'cpu') / med(node, 'cpu')).toFixed(2)}× |`);
  console.log(`| autodev record … --store http://127.0.0.1:<port> (autodev serve, file store) | ${fmt(med(recordHttp, 'wall'))} | ${fmt(med(recordHttp, 'cpu'))} | ${(med(recordHttp, 'wall') / med(node, 'wall')).toFixed(2)}× | ${(med(recordHttp, 'cpu') / med(node, 'cpu')).toFixed(2)}× |`);
  console.log(`\n(${runs} interleaved runs each; goal: autodev record ≤ 3× node -e 0; the collector's own CPU is not counted)\n`);
  collector.child.kill('SIGTERM');
  collector = undefined;

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
    const one = [0, 1, 2].map(() => time([cli, 'trends', 'metric_00_duration', '--store', big]));
    console.log('| command (1,000,000-record store) | wall (median of 3) | CPU user+sys |');
    console.log('|---|---:|---:|');
    console.log(`| autodev trends (all ${metrics} metrics, window 30) | ${fmt(med(trends, 'wall'))} | ${fmt(med(trends, 'cpu'))} |`);
    console.log(`| autodev trends metric_00_duration | ${fmt(med(one, 'wall'))} | ${fmt(med(one, 'cpu'))} |`);
    console.log(`| autodev record into it | ${fmt(med(recordBig, 'wall'))} | ${fmt(med(recordBig, 'cpu'))} |`);
  }
} finally {
  collector?.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
