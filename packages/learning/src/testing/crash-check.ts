import type { ChildProcess } from 'node:child_process';
import { expect, it } from 'vitest';
import type { MetricStore } from '../store.js';

/** What {@link itKeepsAcknowledgedAppendsAcrossCrashes} needs from a backend, made fresh for each run. */
export interface CrashFixture {
  /**
   * Starts a child process (stdout piped) that appends to the store forever: batch b holds 1 + b % 50 records
   * named `crash_<worker>` with value b, and after each append resolves it prints `ack <b>` on a line.
   */
  spawnWriter(worker: string): ChildProcess;
  /** Opens the store the writers append to. */
  open(): Promise<MetricStore>;
  /** Removes what the run created (a folder, a schema). */
  cleanup?(): Promise<void>;
}

/** Options of {@link itKeepsAcknowledgedAppendsAcrossCrashes}. */
export interface CrashCheckOptions {
  /** Rounds of writers started together and killed. @default 2 */
  readonly rounds?: number;
  /** Writers per round. @default 3 */
  readonly writers?: number;
  /** @default 120_000 */
  readonly timeoutMs?: number;
}

/**
 * The body of a writer process for {@link CrashFixture.spawnWriter}: appends batch after batch to `store` in the
 * protocol the check expects (batch b holds 1 + b % 50 records named `crash_<worker>` with value b and timestamp
 * b) and prints `ack <b>` after each append resolves, until the process is killed. Never returns.
 * @example
 * // test/fixtures/crash-child.ts, spawned with the store's location and the worker name
 * const [path, worker] = process.argv.slice(2);
 * await appendUntilKilled(await openSqliteStore({ path: path! }), worker!);
 */
export async function appendUntilKilled(store: MetricStore, worker: string): Promise<never> {
  for (let batch = 0; ; batch++) {
    // The padding makes later records of a batch longer, so a torn write is likelier to cut one in half.
    const records = Array.from({ length: 1 + (batch % 50) }, (_, j) => ({ name: `crash_${worker}`, value: batch, timestamp: batch, metadata: { j, pad: 'x'.repeat(j * 20) } }));
    await store.append(records);
    process.stdout.write(`ack ${batch}\n`);
  }
}

/** Kills `child` with SIGKILL `delayMs` after its first ack; resolves to the last batch it acknowledged. */
function lastAckBeforeKill(child: ChildProcess, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let lastAck = -1;
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (!m) continue;
        if (lastAck === -1) setTimeout(() => child.kill('SIGKILL'), delayMs);
        lastAck = Number(m[1]);
      }
    });
    child.on('error', reject);
    // 'close', not 'exit': at 'exit' the pipe may still hold acks not yet read, and a stale last ack would make a
    // whole batch look like one written after the kill.
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(lastAck) : reject(new Error(`writer exited without being killed: ${stderr}`))));
  });
}

/**
 * Registers a vitest test that SIGKILLs appending writer processes at random moments (50–750 ms after their
 * first acknowledged append) and then checks, per writer, that every acknowledged batch is stored exactly once
 * and whole, that the batch in flight is whole or absent, that nothing after it exists, and that the store
 * still takes appends. For backends that promise durability of acknowledged appends across process crashes.
 * @example
 * itKeepsAcknowledgedAppendsAcrossCrashes(async () => ({
 *   spawnWriter: (w) => spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-child.ts', path, w]),
 *   open: () => openSqliteStore({ path }),
 * }));
 */
export function itKeepsAcknowledgedAppendsAcrossCrashes(prepare: () => Promise<CrashFixture>, options: CrashCheckOptions = {}): void {
  const rounds = options.rounds ?? 2;
  const writers = options.writers ?? 3;
  it(`keeps every acknowledged append when writers are SIGKILLed mid-append (${rounds} rounds × ${writers} processes)`, async () => {
    const fixture = await prepare();
    try {
      let kills = 0;
      for (let round = 0; round < rounds; round++) {
        const workers = Array.from({ length: writers }, (_, w) => `${round}_${w}`);
        const lastAcks = await Promise.all(workers.map((w) => lastAckBeforeKill(fixture.spawnWriter(w), 50 + Math.floor(Math.random() * 700))));
        kills += lastAcks.length;
        const store = await fixture.open();
        for (const [k, w] of workers.entries()) {
          const lastAck = lastAcks[k]!;
          const perBatch = new Map<number, number>();
          for (const r of await store.query({ name: `crash_${w}` })) perBatch.set(r.value, (perBatch.get(r.value) ?? 0) + 1);
          // Every acknowledged batch exactly once and whole; the batch in flight at the kill either whole or
          // absent (it may have committed before its ack was printed); nothing after it.
          for (let b = 0; b <= lastAck; b++) expect(perBatch.get(b)).toBe(1 + (b % 50));
          expect([undefined, 1 + ((lastAck + 1) % 50)]).toContain(perBatch.get(lastAck + 1));
          expect([...perBatch.keys()].every((b) => b <= lastAck + 1)).toBe(true);
        }
        // The store is usable after the crashes.
        await store.append([{ name: 'after_crash', value: round, timestamp: round, metadata: {} }]);
        expect((await store.query({ name: 'after_crash' })).length).toBe(round + 1);
        await store.close();
      }
      expect(kills).toBe(rounds * writers);
    } finally {
      await fixture.cleanup?.();
    }
  }, options.timeoutMs ?? 120_000);
}
