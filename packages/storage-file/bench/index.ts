// Benchmarks of @autodev/storage-file against the plain-Node baselines named in issue 5, measured in
// the same run and reported as ratios. Run with `pnpm bench` (node --expose-gc --import tsx bench/index.ts).
// Bench files live in the OS temp folder and are reused between runs.
// Wall time on a shared CI machine is noisy, so each case reports the median of several alternating
// rounds, in both wall-clock and CPU time (process.cpuUsage, all threads).
import { spawnSync } from 'node:child_process';
import { appendFile, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileStore } from '../src/index.js';
import { baselineReadAll, benchFile, makeRecord } from './data.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N_READ = 1_000_000;
const N_APPEND = 100_000;

interface Sample {
  wall: number;
  cpu: number;
}
async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  globalThis.gc?.();
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[][] = [];
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
function report(name: string, ours: Sample[], peer: Sample[], target: string) {
  const w = median(ours.map((s) => s.wall)) / median(peer.map((s) => s.wall));
  const c = median(ours.map((s) => s.cpu)) / median(peer.map((s) => s.cpu));
  rows.push([name, ms(median(ours.map((s) => s.wall))), ms(median(peer.map((s) => s.wall))), `${w.toFixed(2)}×`, `${c.toFixed(2)}×`, target]);
  console.log(`${name}: ours ${ms(median(ours.map((s) => s.wall)))} (CPU ${ms(median(ours.map((s) => s.cpu)))}), baseline ${ms(median(peer.map((s) => s.wall)))} (CPU ${ms(median(peer.map((s) => s.cpu)))}), ratio wall ${w.toFixed(2)}× cpu ${c.toFixed(2)}× (target ${target})`);
}

async function readAll(unique: boolean) {
  const path = await benchFile(N_READ, unique);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    peer.push(await measure(() => baselineReadAll(path)));
    ours.push(
      await measure(async () => {
        const store = await openFileStore({ path });
        const all = await store.query();
        if (all.length !== N_READ) throw new Error(`read ${all.length} records`);
        await store.close();
      }),
    );
  }
  report(`open + read all of 1M records${unique ? ' (distinct metadata per record)' : ''} vs readFile+split+JSON.parse`, ours, peer, '≤ 1.5×');
}

async function queryOne() {
  const path = await benchFile(N_READ, false);
  const store = await openFileStore({ path });
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(await measure(() => store.query({ name: 'metric_42' })));
    peer.push(await measure(async () => (await baselineReadAll(path)).filter((o) => (o as { name?: string }).name === 'metric_42')));
  }
  await store.close();
  report('query one metric (10,000 of 1M records, store open) vs readFile+parse+filter', ours, peer, 'info');
}

async function appends() {
  const dir = join(tmpdir(), `autodev-storage-file-bench-append-${process.pid}`);
  const records = Array.from({ length: N_APPEND }, (_, i) => makeRecord(i));
  const lines = records.map((r) => `${JSON.stringify(r)}\n`);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  const batched: Sample[] = [];
  const rounds = Math.max(1, Math.min(ROUNDS, 2));
  for (let r = 0; r < rounds; r++) {
    await rm(dir, { recursive: true, force: true });
    const peerPath = join(dir, 'peer.jsonl');
    const store = await openFileStore({ path: join(dir, 'ours.jsonl') });
    await appendFile(peerPath, '');
    peer.push(
      await measure(async () => {
        for (const l of lines) await appendFile(peerPath, l);
      }),
    );
    ours.push(
      await measure(async () => {
        for (const rec of records) await store.append([rec]);
      }),
    );
    await store.close();
    const bulk = await openFileStore({ path: join(dir, 'batched.jsonl') });
    batched.push(await measure(() => bulk.append(records)));
    await bulk.close();
    const size = (await stat(join(dir, 'ours.jsonl'))).size;
    if (size < N_APPEND * 50) throw new Error('appends missing');
  }
  await rm(dir, { recursive: true, force: true });
  report('100,000 awaited single-record appends vs fs.promises.appendFile loop', ours, peer, '≤ 1.5×');
  report('one batched append of 100,000 records vs fs.promises.appendFile loop', batched, peer, '≥ 20× faster (≤ 0.05×)');
}

/**
 * The CLI's `autodev record`: open the store, append one record, close, in a 1M-record file. Copies of
 * the cached file, so the bench files stay as they were. 20 repetitions per sample (each is a few ms).
 * The eager open (the whole file read and indexed on open, the behaviour before lazy open) is measured
 * once, for the record.
 */
async function openAndAppendOne() {
  const source = await benchFile(N_READ, false);
  const dir = join(tmpdir(), `autodev-storage-file-bench-record-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const oursPath = join(dir, 'ours.jsonl');
  const peerPath = join(dir, 'peer.jsonl');
  await copyFile(source, oursPath);
  await copyFile(source, peerPath);
  const REPS = 20;
  let i = 0;
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(
        await measure(async () => {
          for (let k = 0; k < REPS; k++) {
            const store = await openFileStore({ path: oursPath });
            await store.append([makeRecord(N_READ + i++)]);
            await store.close();
          }
        }),
      );
      peer.push(
        await measure(async () => {
          for (let k = 0; k < REPS; k++) await appendFile(peerPath, `${JSON.stringify(makeRecord(N_READ + i++))}\n`);
        }),
      );
    }
    const per = (xs: Sample[]) => xs.map((s) => ({ wall: s.wall / REPS, cpu: s.cpu / REPS }));
    report('open + one append + close into a 1M-record file vs fs.promises.appendFile of one line', per(ours), per(peer), '≤ ~10× (a few ms)');
    const eager = await measure(async () => {
      const store = await openFileStore({ path: oursPath, eager: true });
      await store.append([makeRecord(N_READ + i++)]);
      await store.close();
    });
    report('the same with eager: true (whole file indexed on open, as before lazy open), 1 sample', [eager], per(peer), 'info');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function memory() {
  // A fresh process, so the heap holds nothing but the store.
  const script = fileURLToPath(new URL('./memory.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`memory bench failed: ${r.stdout}`);
  process.stdout.write(r.stdout);
  for (const l of r.stdout.trim().split('\n')) {
    const m = JSON.parse(l) as { case: string; fileMB: number; heldMB: number; ratio: number };
    rows.push([m.case, `${m.heldMB.toFixed(0)} MB held`, `${m.fileMB.toFixed(0)} MB file`, `${m.ratio.toFixed(2)}×`, '', '≤ ~2× file size']);
  }
}

const which = process.argv.slice(2);
const want = (k: string) => which.length === 0 || which.includes(k);
if (want('read')) {
  await readAll(false);
  await readAll(true);
  await queryOne();
}
if (want('append')) await appends();
if (want('record')) await openAndAppendOne();
if (want('memory')) memory();
console.log('\n| case | ours | baseline | ratio (wall) | ratio (CPU) | target |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
