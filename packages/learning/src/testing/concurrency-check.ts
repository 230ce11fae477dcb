import type { ChildProcess } from 'node:child_process';
import { expect, it } from 'vitest';
import { LearningError } from '../errors.js';
import type { MetricStore } from '../store.js';

/** What {@link itKeepsEveryRecordFromConcurrentWriters} needs from a backend, made fresh for each run. */
export interface ConcurrentWritersFixture {
  /**
   * Starts a child process (stdout piped) that opens the store and calls
   * {@link appendAsConcurrentWriter}`(store, worker, count, batchSize)`.
   */
  spawnWriter(worker: number, count: number, batchSize: number): ChildProcess;
  /** Opens the store the writers appended to. */
  open(): Promise<MetricStore>;
  /** Removes what the run created (a folder, a schema). */
  cleanup?(): Promise<void>;
}

/** Options of {@link itKeepsEveryRecordFromConcurrentWriters}. */
export interface ConcurrentWritersOptions {
  /** Writer processes started together. @default 4 */
  readonly writers?: number;
  /** Records each writer appends. @default 1000 */
  readonly recordsPerWriter?: number;
  /** @default 90_000 */
  readonly timeoutMs?: number;
}

// Writer w appends in batches of BATCH_SIZES[w % 3]: writers 0 and 3 commit every record alone, so commits
// of different processes interleave as finely as they can.
const BATCH_SIZES = [1, 10, 25] as const;

/**
 * The body of a writer child of {@link itKeepsEveryRecordFromConcurrentWriters}: appends `count` records named
 * `worker_<worker>` (value i, timestamp rising with i, metadata `{ worker, i }`) in batches of `batchSize`,
 * closes the store and prints `done`. Numbers may be given as the strings the child read from its argv.
 * @example
 * // test/fixtures/append-child.ts
 * const [path, worker, count, batchSize] = process.argv.slice(2);
 * await appendAsConcurrentWriter(await openSqliteStore({ path: path! }), worker!, count!, batchSize!);
 */
export async function appendAsConcurrentWriter(store: MetricStore, worker: number | string, count: number | string, batchSize: number | string): Promise<void> {
  const [w, n, b] = [Number(worker), Number(count), Number(batchSize)];
  if (![w, n, b].every(Number.isSafeInteger) || w < 0 || n < 0 || b < 1)
    throw new LearningError('INVALID_ARGUMENT', `appendAsConcurrentWriter needs whole numbers worker >= 0, count >= 0, batchSize >= 1; got ${String(worker)}, ${String(count)}, ${String(batchSize)}`);
  for (let i = 0; i < n; i += b) {
    const records = [];
    for (let j = i; j < Math.min(n, i + b); j++) records.push({ name: `worker_${w}`, value: j, timestamp: 1_700_000_000_000 + j, metadata: { worker: w, i: j } });
    await store.append(records);
  }
  await store.close();
  process.stdout.write('done\n');
}

/** Resolves with the child's stdout once it has exited with code 0 and its pipes are drained; rejects with its stderr otherwise. */
function finished(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // 'close', not 'exit': at 'exit' the pipe may still hold the writer's last lines.
    child.on('close', (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`writer exited with ${signal ?? `code ${code}`}: ${stderr}`))));
  });
}

/**
 * Registers a vitest test that starts several writer processes at once, each appending its own records to the
 * same store (see {@link appendAsConcurrentWriter}), and then checks that every record is there exactly once,
 * in each writer's append order. For backends that several processes may write at the same time; when the
 * store does not exist yet, the writers also race to create it.
 * @example
 * itKeepsEveryRecordFromConcurrentWriters(async () => ({
 *   spawnWriter: (w, n, b) => spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/append-child.ts', path, String(w), String(n), String(b)]),
 *   open: () => openSqliteStore({ path }),
 * }));
 */
export function itKeepsEveryRecordFromConcurrentWriters(prepare: () => Promise<ConcurrentWritersFixture>, options: ConcurrentWritersOptions = {}): void {
  const writers = options.writers ?? 4;
  const perWriter = options.recordsPerWriter ?? 1000;
  it(`keeps every record exactly once when ${writers} processes append at the same time`, async () => {
    const fixture = await prepare();
    const children: ChildProcess[] = [];
    try {
      for (let w = 0; w < writers; w++) children.push(fixture.spawnWriter(w, perWriter, BATCH_SIZES[w % 3]!));
      const outs = await Promise.all(children.map(finished));
      expect(outs.map((o) => o.trim())).toEqual(Array(writers).fill('done'));
      const store = await fixture.open();
      try {
        expect(await store.names()).toEqual(Array.from({ length: writers }, (_, w) => `worker_${w}`).sort());
        for (let w = 0; w < writers; w++) {
          const got = await store.query({ name: `worker_${w}` });
          // Exactly once and in append order: the values are 0..perWriter-1 with strictly rising timestamps.
          expect(got.map((r) => r.value)).toEqual(Array.from({ length: perWriter }, (_, i) => i));
          expect(got.every((r) => r.metadata.worker === w)).toBe(true);
        }
      } finally {
        await store.close();
      }
    } finally {
      // A writer still running here (the test failed or timed out) must not outlive the run.
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await fixture.cleanup?.();
    }
  }, options.timeoutMs ?? 90_000);
}
