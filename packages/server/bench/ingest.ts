// Ingest throughput of POST /v1/records against appending to the same store in process
// (MetricsTracker.recordMetrics: validate, then store.append), reported as a ratio.
// Run with `pnpm bench` (node --import tsx bench/ingest.ts). Server and client share this process and
// its CPU, as a collector and an agent on one machine would; over a real network add its round trips.
// Each case reports the median of ROUNDS alternating rounds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, MetricsTracker, type MetricRecordInput, type MetricStore } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';
import { createMetricsServer } from '../src/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N = Number(process.env.BENCH_RECORDS ?? 50_000);

const makeBatches = (batchSize: number, n: number): MetricRecordInput[][] => {
  const out: MetricRecordInput[][] = [];
  for (let i = 0; i < n; i += batchSize) {
    const batch: MetricRecordInput[] = [];
    for (let j = i; j < Math.min(n, i + batchSize); j++)
      batch.push({ name: `metric_${j % 20}`, value: j * 0.5, timestamp: 1_700_000_000_000 + j, metadata: { branch: j % 2 ? 'main' : 'dev', suite: 'unit', run: j } });
    out.push(batch);
  }
  return out;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function runCase(label: string, openStore: () => Promise<{ store: MetricStore; dispose: () => Promise<void> }>, batchSize: number, clients: number) {
  const n = batchSize === 1 ? Math.min(N, 5_000) : N;
  const batches = makeBatches(batchSize, n);
  const direct: number[] = [];
  const http: number[] = [];
  // Round-robin the batches over `clients` concurrent senders.
  const lanes = Array.from({ length: clients }, (_, c) => batches.filter((_, i) => i % clients === c));
  for (let r = 0; r < ROUNDS; r++) {
    {
      const { store, dispose } = await openStore();
      const tracker = new MetricsTracker({ storage: store });
      direct.push(await timed(() => Promise.all(lanes.map(async (lane) => { for (const b of lane) await tracker.recordMetrics(b); })).then(() => {})));
      if ((await store.query()).length !== n) throw new Error('direct: wrong count');
      await dispose();
    }
    {
      const { store, dispose } = await openStore();
      const server = createMetricsServer({ store });
      const url = `${await server.listen({ port: 0 })}/v1/records`;
      http.push(
        await timed(() =>
          Promise.all(
            lanes.map(async (lane) => {
              for (const b of lane) {
                const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
                if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
                await res.arrayBuffer();
              }
            }),
          ).then(() => {}),
        ),
      );
      if ((await store.query()).length !== n) throw new Error('http: wrong count');
      await server.close();
      await dispose();
    }
  }
  const d = median(direct);
  const h = median(http);
  const rate = (ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} rec/s`;
  console.log(
    `| ${label} | ${batchSize} | ${clients} | ${rate(h)} | ${rate(d)} | ${(h / d).toFixed(1)}× |`,
  );
}

const memory = () => Promise.resolve({ store: createMemoryStore(), dispose: () => Promise.resolve() });
const file = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'autodev-server-bench-'));
  const store = await openFileStore({ path: join(dir, 'metrics.jsonl') });
  return { store, dispose: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
};

// Warm-up (JIT of the HTTP stack and the validation path), not measured.
{
  const server = createMetricsServer({ store: createMemoryStore() });
  const url = `${await server.listen({ port: 0 })}/v1/records`;
  for (const b of makeBatches(1, 3_000)) await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })).arrayBuffer();
  await server.close();
}

console.log(`ingest of ${N.toLocaleString('en-US')} records (5,000 for batch size 1), median of ${ROUNDS} rounds; node ${process.version}`);
console.log('| store | batch | clients | POST /v1/records | recordMetrics in process | time ratio (HTTP / direct) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [label, open] of [['memory', memory], ['file', file]] as const) {
  for (const [batch, clients] of [[1, 1], [100, 1], [1000, 1], [1000, 4]] as const) await runCase(label, open, batch, clients);
}
