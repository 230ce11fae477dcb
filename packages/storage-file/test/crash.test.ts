import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileStore, type FileStoreWarning } from '../src/index.js';
import { startWorker, tempDir, type Worker } from './helpers.js';

const KILLS = 50;
const LANES = 2;
const ROUNDS_PER_FILE = 5;

describe('crash safety: a writer SIGKILLed mid-append', () => {
  it(`keeps every acknowledged record exactly once across ${KILLS} kills, and appends continue`, async () => {
    const dir = await tempDir();
    const warnings: FileStoreWarning[] = [];
    const fileOf = (round: number) => join(dir, `crash-${Math.floor(round / ROUNDS_PER_FILE)}`, 'metrics.jsonl');
    // Some rounds append batches of hundreds of kilobytes: the kernel copies them page by page and a
    // SIGKILL arriving meanwhile tears the write.
    const spawnFor = (round: number): Worker =>
      startWorker(fileOf(round), { first: round * 10_000_000, count: 0, maxBatch: [10, 300, 3_000][round % 3]!, fsync: round % 5 === 0, tag: `w${round}`, waitForGo: true });
    let totalAcked = 0;

    // Independent lanes (own files) run side by side so that process start-up, slow on a busy CI
    // machine, overlaps; within a lane the next writer also starts while this round is checked.
    const lane = async (rounds: number[]) => {
      let acked = new Set<number>();
      let marker = -1;
      let next = spawnFor(rounds[0]!);
      for (const [k, round] of rounds.entries()) {
        if (k % ROUNDS_PER_FILE === 0) {
          totalAcked += acked.size;
          acked = new Set();
        }
        const worker = next;
        await Promise.race([worker.ready, worker.exited]);
        worker.go();
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 80));
        worker.kill();
        const { signal } = await worker.exited;
        expect(signal).toBe('SIGKILL');
        for (const id of worker.acked) acked.add(id);
        if (k + 1 < rounds.length) next = spawnFor(rounds[k + 1]!);

        const store = await openFileStore({ path: fileOf(round), onWarning: (w) => warnings.push(w) });
        const counts = new Map<number, number>();
        for (const r of await store.query()) counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
        expect([...acked].filter((id) => !counts.has(id))).toEqual([]);
        expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
        // Appends continue after the crash, readable right away.
        await store.append([{ name: 'marker', value: marker, timestamp: 0, metadata: { round } }]);
        acked.add(marker--);
        expect(await store.query({ name: 'marker' })).toHaveLength((k % ROUNDS_PER_FILE) + 1);
        await store.close();
      }
      totalAcked += acked.size;
    };
    const all = Array.from({ length: KILLS }, (_, i) => i);
    await Promise.all(Array.from({ length: LANES }, (_, l) => lane(all.filter((r) => Math.floor(r / ROUNDS_PER_FILE) % LANES === l))));

    // Every line of every file is a whole JSON value, or a torn write the reader reported.
    for (let f = 0; f < KILLS / ROUNDS_PER_FILE; f++) {
      const path = fileOf(f * ROUNDS_PER_FILE);
      const torn = new Set(warnings.filter((w) => w.code === 'TORN_LINE' && w.path === path).map((w) => w.line));
      const lines = (await readFile(path, 'utf8')).split('\n');
      lines.forEach((l, i) => {
        if (l !== '' && !torn.has(i + 1)) expect(() => JSON.parse(l) as unknown, `${path}:${i + 1}`).not.toThrow();
      });
    }
    expect(totalAcked).toBeGreaterThan(KILLS);
    const byCode: Record<string, number> = {};
    for (const w of warnings) byCode[w.code] = (byCode[w.code] ?? 0) + 1;
    console.log(`crash test: ${KILLS} kills, ${totalAcked} acknowledged records, recovered from: ${JSON.stringify(byCode)}`);
  }, 300_000);
});
