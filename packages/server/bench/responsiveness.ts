// How long the collector's other requests wait behind the two expensive reads: a large unlimited GET /v1/records,
// and GET /v1/insights over many metrics. The client runs in a worker thread (its own event loop, so reading
// the answer does not run on the server's); while the big request is in flight it sends GET /v1/health one after
// another and reports the slowest. The server's worst event-loop delay comes from perf_hooks.monitorEventLoopDelay.
// Run with `pnpm bench` (node --import tsx bench/responsiveness.ts). Median of ROUNDS rounds.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createMemoryStore, type MetricRecord } from '@autodev/learning';
import { createMetricsServer } from '../src/index.js';

interface Job {
  url: string;
  parallel: number;
  health: string;
}
interface Result {
  ms: number;
  bytes: number;
  healthMaxMs: number;
}

// The client, as plain JavaScript (a worker does not get tsx): `parallel` GETs of `url` read to the end, and
// /v1/health pings one after another while they run.
const CLIENT = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, parallel, health }) => {
  let running = true;
  let healthMaxMs = 0;
  const pinger = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(health)).arrayBuffer();
      healthMaxMs = Math.max(healthMaxMs, performance.now() - t);
    }
  })();
  const t = performance.now();
  const sizes = await Promise.all(Array.from({ length: parallel }, async () => {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error('HTTP ' + res.status + ' from ' + url);
    return (await res.arrayBuffer()).byteLength;
  }));
  const ms = performance.now() - t;
  running = false;
  await pinger;
  parentPort.postMessage({ ms, bytes: sizes[0], healthMaxMs });
});
`;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const client = new Worker(CLIENT, { eval: true });
client.unref();

/** The client's timings for `parallel` GETs of `url`, and the server's worst event-loop delay meanwhile (ms). */
async function measure(url: string, parallel = 1): Promise<Result & { blockedMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const result = await new Promise<Result>((resolve, reject) => {
    client.once('message', (r: Result) => {
      client.off('error', reject);
      resolve(r);
    });
    client.once('error', reject);
    client.postMessage({ url, parallel, health: `${new URL(url).origin}/v1/health` } satisfies Job);
  });
  h.disable();
  return { ...result, blockedMs: h.max / 1e6 };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

console.log(`node ${process.version}, median of ${ROUNDS} rounds`);
{
  const store = createMemoryStore();
  const records: MetricRecord[] = [];
  for (let i = 0; i < RECORDS; i++) records.push({ name: `metric_${i % 20}`, value: i * 0.5, timestamp: 1_700_000_000_000 + i, metadata: { branch: i % 2 ? 'main' : 'dev' } });
  await store.append(records);
  const server = createMetricsServer({ store });
  const base = await server.listen({ port: 0 });
  await measure(`${base}/v1/records`); // warm-up
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await measure(`${base}/v1/records`));
  const m = (k: 'ms' | 'blockedMs' | 'healthMaxMs') => fmt(median(runs.map((x) => x[k])));
  console.log(
    `GET /v1/records, ${RECORDS.toLocaleString('en-US')} records (${(runs[0]!.bytes / 1e6).toFixed(1)} MB): answer ${m('ms')}, event loop blocked up to ${m('blockedMs')}, slowest /v1/health meanwhile ${m('healthMaxMs')}`,
  );
  await server.close();
}
{
  const store = createMemoryStore();
  const records: MetricRecord[] = [];
  // 50 metrics × 2,000 points, a level shift in the last 100 so the engine has something to say.
  for (let m = 0; m < 50; m++)
    for (let i = 0; i < 2000; i++) records.push({ name: `metric_${m}`, value: 100 + (i >= 1900 ? 20 : 0) + Math.sin(i * 0.7 + m) * 3, timestamp: 1_700_000_000_000 + i * 60_000, metadata: {} });
  await store.append(records);
  const server = createMetricsServer({ store });
  const base = await server.listen({ port: 0 });
  const url = `${base}/v1/insights`;
  // A live batch: what makes every open dashboard ask for insights again.
  const post = () =>
    fetch(`${base}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ name: 'metric_0', value: 100, timestamp: 1_800_000_000_000 }]) }).then((r) => r.arrayBuffer());
  const cold: Awaited<ReturnType<typeof measure>>[] = [];
  const warm: Awaited<ReturnType<typeof measure>>[] = [];
  const par: Awaited<ReturnType<typeof measure>>[] = [];
  await measure(url); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    await post();
    cold.push(await measure(url));
    warm.push(await measure(url));
    await post();
    par.push(await measure(url, 10));
  }
  const m = (runs: typeof cold, k: 'ms' | 'blockedMs' | 'healthMaxMs') => fmt(median(runs.map((x) => x[k])));
  console.log(`GET /v1/insights, 50 metrics × 2,000 points:`);
  console.log(`  after an append: ${m(cold, 'ms')} (loop blocked up to ${m(cold, 'blockedMs')}, slowest /v1/health ${m(cold, 'healthMaxMs')})`);
  console.log(`  again, no append in between: ${m(warm, 'ms')}`);
  console.log(`  10 dashboards at once after an append: ${m(par, 'ms')} for all (loop blocked up to ${m(par, 'blockedMs')}, slowest /v1/health ${m(par, 'healthMaxMs')})`);
  await server.close();
}
