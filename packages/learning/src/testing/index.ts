// `@autodev/learning/testing`: the MetricStore contract suite every storage backend runs in its own
// tests. It needs vitest and fast-check (optional peer dependencies of this package).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../memory-store.js';
import { MetricsTracker } from '../metrics-tracker.js';
import { validateRecord, type JsonValue, type Metadata, type MetricRecord, type MetricRecordInput } from '../record.js';
import type { MetricQuery, MetricStore } from '../store.js';

/** A store under test, and how to clean up after it (delete its directory, drop its schema...). */
export interface StoreFixture {
  store: MetricStore;
  dispose?: () => Promise<void>;
}

/** Options of {@link describeMetricStoreContract}. */
export interface MetricStoreContractOptions<F extends StoreFixture = StoreFixture> {
  /**
   * Opens a second store on the same location as `fixture` (usually after `fixture.store` was
   * closed). It is also called with a fixture it returned itself, so return the fields it needs
   * again (`{ ...fixture, store }`). Enables the durability tests; without it they are skipped (an
   * in-memory store has no location).
   */
  reopen?: (fixture: F) => Promise<StoreFixture>;
  /** Number of concurrent `append` calls in the concurrency test. @default 200 */
  concurrentAppends?: number;
  /** Random append/query programs compared against the memory store. @default 25 */
  modelRuns?: number;
  /** Timeout of each test, in milliseconds (a networked backend may need more). @default 60_000 */
  timeoutMs?: number;
}

/** Builds a valid, frozen record as MetricsTracker would hand it to a store. */
export function makeRecord(name: string, value: number, timestamp: number, metadata: Metadata = {}): MetricRecord {
  return validateRecord({ name, value, timestamp, metadata });
}

/** The comparable content of a record (drops anything a backend might add). */
const plain = (r: MetricRecord) => ({ name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata });
const plainAll = (rs: readonly MetricRecord[]) => rs.map(plain);

/**
 * Registers the MetricStore contract tests (vitest `describe`/`it`) for a backend. `open` must
 * return a fresh, empty store for every test; the fixture may carry more fields (a path, a
 * connection string) for `reopen` to use. Every assertion is part of the contract; options
 * only skip a group a backend cannot run (durability without `reopen`), never loosen one.
 *
 * Covered: round-trip of every field (unicode names, nested metadata, ±Number.MAX_VALUE,
 * Number.MIN_VALUE, millisecond timestamps), ordering by timestamp with ties in insertion order
 * (within and across appends), every filter and their combinations, `order: 'desc'` with `limit`,
 * invalid queries, `names()` sorted and distinct, durability across reopen, concurrent appends,
 * all-or-nothing batches through `MetricsTracker.recordMetrics`, `STORE_CLOSED` after an
 * idempotent `close()`, a fast-check model check against `createMemoryStore()`, results that callers cannot
 * change (frozen or copied, also after a reopen), `append` reading its array when called, INVALID_RECORD for a
 * malformed record with nothing of its batch written, and limits up to Number.MAX_VALUE.
 * @example
 * // packages/storage-file/test/contract.test.ts
 * import { describeMetricStoreContract } from '@autodev/learning/testing';
 * describeMetricStoreContract('file', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'autodev-'));
 *   const store = await openFileStore({ path: join(dir, 'metrics.jsonl') });
 *   return { store, dispose: () => rm(dir, { recursive: true, force: true }) };
 * }, { reopen: async (f) => ({ ...f, store: await openFileStore({ path: ... }) }) });
 * @see README "Writing a storage backend"
 */
export function describeMetricStoreContract<F extends StoreFixture>(
  name: string,
  open: () => Promise<F>,
  options: MetricStoreContractOptions<F> = {},
): void {
  const { reopen, concurrentAppends = 200, modelRuns = 25, timeoutMs = 60_000 } = options;

  describe(`MetricStore contract: ${name}`, () => {
    let f: F;
    let extra: StoreFixture[] = [];
    beforeEach(async () => {
      f = await open();
      extra = [];
    });
    afterEach(async () => {
      for (const x of [f, ...extra]) {
        await x.store.close();
      }
      await f.dispose?.();
    });

    describe('round trip', () => {
      it(
        'returns every field as appended',
        async () => {
          const records = [
            makeRecord('test_duration', 12.5, 1_700_000_000_123, { suite: 'integration', branch: 'main', python_version: '3.11' }),
            makeRecord('température_µs', Number.MAX_VALUE, 1_700_000_000_124),
            makeRecord('测试_延迟', -Number.MAX_VALUE, 1_700_000_000_125, { 说明: '中文', emoji: '🚀 ✓', quote: 'say "hi"\n\ttab\\' }),
            makeRecord('🚀.build-time/p99', Number.MIN_VALUE, 1_700_000_000_126, { nested: { a: [1, { b: null, c: [true, false] }], d: { e: { f: 'deep' } } } }),
            makeRecord('tiny', -Number.MIN_VALUE, 0),
            makeRecord('third', 1 / 3, -1, { empty: {}, list: [], zero: 0, negative: -2.5e-308, big: 1e308 }),
            makeRecord('epoch_edge', 0, 8.64e15),
            makeRecord('x'.repeat(200), 42, 1),
          ];
          await f.store.append(records);
          const back = await f.store.query({});
          const byName = new Map(back.map((r) => [r.name, plain(r)]));
          for (const r of records) expect(byName.get(r.name)).toEqual(plain(r));
          expect(back).toHaveLength(records.length);
          // -0 never reaches a store (validation turns it into 0); MIN_VALUE must not flush to 0.
          expect(byName.get('🚀.build-time/p99')!.value).toBe(Number.MIN_VALUE);
          expect(Object.is(byName.get('tiny')!.value, -Number.MIN_VALUE)).toBe(true);
        },
        timeoutMs,
      );

      it(
        'append([]) is a no-op and an empty store answers empty',
        async () => {
          await f.store.append([]);
          expect(await f.store.query({})).toEqual([]);
          expect(await f.store.query()).toEqual([]);
          expect(await f.store.names()).toEqual([]);
        },
        timeoutMs,
      );

      it(
        'results are copies: mutating a result does not change the store',
        async () => {
          await f.store.append([makeRecord('m', 1, 1), makeRecord('m', 2, 2)]);
          const first = await f.store.query({ name: 'm' });
          first.length = 0;
          const names = await f.store.names();
          names.push('injected');
          expect(plainAll(await f.store.query({ name: 'm' }))).toEqual([plain(makeRecord('m', 1, 1)), plain(makeRecord('m', 2, 2))]);
          expect(await f.store.names()).toEqual(['m']);
          // The records themselves: frozen (an assignment throws) or copies (it changes nothing the store holds).
          const [r] = await f.store.query({ name: 'm' });
          const loose = r as unknown as { value: number; metadata: Record<string, unknown> };
          for (const change of [() => (loose.value = 99), () => (loose.metadata.branch = 'injected')]) {
            try {
              change();
            } catch {
              // frozen: fine
            }
          }
          expect(plainAll(await f.store.query({ name: 'm' }))).toEqual([plain(makeRecord('m', 1, 1)), plain(makeRecord('m', 2, 2))]);
          if (reopen) {
            await f.store.close();
            const again = await reopen(f);
            extra.push(again);
            const [s] = await again.store.query({ name: 'm' });
            const looseAgain = s as unknown as { value: number; metadata: Record<string, unknown> };
            try {
              looseAgain.metadata.branch = 'injected';
            } catch {
              // frozen: fine
            }
            expect(plainAll(await again.store.query({ name: 'm' }))).toEqual([plain(makeRecord('m', 1, 1)), plain(makeRecord('m', 2, 2))]);
          }
        },
        timeoutMs,
      );

      it(
        'append reads its array when called: a caller may reuse it before the append resolves',
        async () => {
          const batch = [makeRecord('reuse', 1, 1), makeRecord('reuse', 2, 2)];
          const pending = f.store.append(batch);
          batch.length = 0;
          batch.push(makeRecord('reuse', 3, 3));
          await pending;
          expect(plainAll(await f.store.query({ name: 'reuse' }))).toEqual([plain(makeRecord('reuse', 1, 1)), plain(makeRecord('reuse', 2, 2))]);
        },
        timeoutMs,
      );

      it(
        'rejects a malformed record with INVALID_RECORD and writes nothing of its batch',
        async () => {
          const good = makeRecord('ok', 1, 1);
          const malformed: unknown[] = [
            { name: 'bad', value: '1', timestamp: 1, metadata: {} },
            { name: 'bad', value: Number.NaN, timestamp: 1, metadata: {} },
            { name: 'bad', value: 1, timestamp: 1, metadata: [] },
            { name: 'bad', value: 1, timestamp: 1, metadata: new Date(0) },
            { name: '', value: 1, timestamp: 1, metadata: {} },
            null,
          ];
          for (const bad of malformed) {
            await expect(f.store.append([good, bad as MetricRecord])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
          }
          expect(await f.store.query({})).toEqual([]);
        },
        timeoutMs,
      );
    });

    describe('ordering', () => {
      it(
        'orders by timestamp, ties in insertion order, within and across appends',
        async () => {
          await f.store.append([makeRecord('m', 1, 30), makeRecord('m', 2, 10), makeRecord('m', 3, 20), makeRecord('m', 4, 10)]);
          await f.store.append([makeRecord('m', 5, 10), makeRecord('m', 6, 5)]);
          await f.store.append([makeRecord('m', 7, 30)]);
          const values = (await f.store.query({ name: 'm' })).map((r) => r.value);
          expect(values).toEqual([6, 2, 4, 5, 3, 1, 7]);
          const desc = (await f.store.query({ name: 'm', order: 'desc' })).map((r) => r.value);
          expect(desc).toEqual([7, 1, 3, 5, 4, 2, 6]);
        },
        timeoutMs,
      );

      it(
        'orders across metrics when no name is given',
        async () => {
          await f.store.append([makeRecord('b', 1, 2), makeRecord('a', 2, 1), makeRecord('c', 3, 2)]);
          await f.store.append([makeRecord('a', 4, 2)]);
          expect((await f.store.query({})).map((r) => r.value)).toEqual([2, 1, 3, 4]);
        },
        timeoutMs,
      );
    });

    describe('filters', () => {
      const fixtureRecords = () => [
        makeRecord('test_duration', 10, 1000, { branch: 'main', suite: 'unit', env: { os: 'linux', node: 20 } }),
        makeRecord('test_duration', 11, 2000, { branch: 'feature', suite: 'unit' }),
        makeRecord('test_duration', 12, 3000, { branch: 'main', suite: 'integration', tags: ['a', 'b'] }),
        makeRecord('test_duration', 13, 4000, { branch: 'main', suite: 'unit', env: { node: 20, os: 'linux' } }),
        makeRecord('build_time', 100, 2500, { branch: 'main' }),
        makeRecord('build_time', 101, 3500, { branch: null }),
        makeRecord('coverage_percent', 95, 3000, {}),
      ];
      const values = async (q: MetricQuery) => (await f.store.query(q)).map((r) => r.value);

      beforeEach(async () => {
        await f.store.append(fixtureRecords());
      });

      it(
        'by name',
        async () => {
          expect(await values({ name: 'build_time' })).toEqual([100, 101]);
          expect(await values({ name: 'nope' })).toEqual([]);
          expect(await values({ name: 'test' })).toEqual([]); // exact names, not prefixes
        },
        timeoutMs,
      );

      it(
        'by time range: from inclusive, to exclusive',
        async () => {
          expect(await values({ name: 'test_duration', from: 2000 })).toEqual([11, 12, 13]);
          expect(await values({ name: 'test_duration', to: 3000 })).toEqual([10, 11]);
          expect(await values({ name: 'test_duration', from: 2000, to: 4000 })).toEqual([11, 12]);
          expect(await values({ from: 3000, to: 3001 })).toEqual([12, 95]);
          expect(await values({ from: 5000 })).toEqual([]);
          expect(await values({ from: 3000, to: 3000 })).toEqual([]);
        },
        timeoutMs,
      );

      it(
        'by metadata: deep JSON equality of every given key, key order ignored',
        async () => {
          expect(await values({ name: 'test_duration', where: { branch: 'main' } })).toEqual([10, 12, 13]);
          expect(await values({ where: { branch: 'main' } })).toEqual([10, 100, 12, 13]);
          expect(await values({ name: 'test_duration', where: { branch: 'main', suite: 'unit' } })).toEqual([10, 13]);
          expect(await values({ where: { env: { os: 'linux', node: 20 } } })).toEqual([10, 13]);
          expect(await values({ where: { env: { os: 'linux' } } })).toEqual([]); // objects compare whole
          expect(await values({ where: { tags: ['a', 'b'] } })).toEqual([12]);
          expect(await values({ where: { tags: ['b', 'a'] } })).toEqual([]); // arrays are ordered
          expect(await values({ where: { branch: null } })).toEqual([101]); // null matches only null
          expect(await values({ where: { suite: 'missing' } })).toEqual([]);
          expect(await values({ where: { nonexistent: null } })).toEqual([]); // a missing key is not null
          expect(await values({ where: {} })).toEqual([10, 11, 100, 12, 95, 101, 13]);
          expect(await values({ where: { branch: 1 as JsonValue } })).toEqual([]);
        },
        timeoutMs,
      );

      it(
        'combines filters, order and limit',
        async () => {
          expect(await values({ name: 'test_duration', where: { branch: 'main' }, from: 1500, to: 5000 })).toEqual([12, 13]);
          expect(await values({ name: 'test_duration', order: 'desc', limit: 2 })).toEqual([13, 12]);
          expect(await values({ name: 'test_duration', order: 'asc', limit: 2 })).toEqual([10, 11]);
          expect(await values({ name: 'test_duration', where: { branch: 'main' }, order: 'desc', limit: 1 })).toEqual([13]);
          expect(await values({ limit: 0 })).toEqual([]);
          expect(await values({ limit: 100 })).toHaveLength(7);
          // Any whole number is a valid limit, also beyond what a database integer holds.
          for (const limit of [2 ** 31, 2 ** 53, 2 ** 64, 1e300, Number.MAX_VALUE]) {
            expect(await values({ limit })).toHaveLength(7);
            expect(await values({ order: 'desc', limit })).toHaveLength(7);
          }
          expect(await values({ order: 'desc', from: 2000, to: 3500, limit: 3 })).toEqual([95, 12, 100]);
        },
        timeoutMs,
      );

      it(
        'rejects malformed queries with INVALID_ARGUMENT',
        async () => {
          await expect(f.store.query({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          await expect(f.store.query({ limit: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          await expect(f.store.query({ from: NaN })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          await expect(f.store.query({ order: 'sideways' as 'asc' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          await expect(f.store.query({ where: [] as unknown as Metadata })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          // A misspelt field or a where value no metadata can hold would otherwise be no filter at all, or one each
          // backend answers differently (validateQuery refuses both).
          await expect(f.store.query({ nmae: 'x' } as unknown as MetricQuery)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          // Each of these once matched records on some backend (NaN as null, a Date as its ISO string, undefined as
          // no filter, a BigInt as a TypeError): no metadata can hold them, so every backend refuses them.
          const cyclic: Record<string, unknown> = {};
          cyclic.self = cyclic;
          const holey: unknown[] = [1];
          holey[2] = 2; // [1, <hole>, 2]
          const notJson: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, [Number.NaN], undefined, () => 1, 1n, new Date(0), { toJSON: () => 1 }, holey, cyclic];
          for (const v of notJson) await expect(f.store.query({ where: { a: v } as unknown as Metadata }), String(v)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
          await expect(f.store.query({ where: { a: 1, b: Number.NaN } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        },
        timeoutMs,
      );

      it(
        'names() lists distinct names, sorted by code unit',
        async () => {
          await f.store.append([makeRecord('Zeta', 1, 1), makeRecord('alpha', 1, 1), makeRecord('ä_umlaut', 1, 1), makeRecord('build_time', 1, 9)]);
          expect(await f.store.names()).toEqual(['Zeta', 'alpha', 'build_time', 'coverage_percent', 'test_duration', 'ä_umlaut']);
        },
        timeoutMs,
      );
    });

    describe('durability', () => {
      it.skipIf(!reopen)(
        'keeps every acknowledged record across close and reopen',
        async () => {
          const batches = [
            [makeRecord('test_duration', 12.5, 1_700_000_000_001, { branch: 'main' }), makeRecord('coverage_percent', 95, 1_700_000_000_001)],
            [makeRecord('test_duration', 13.5, 1_700_000_000_000, { nested: { deep: ['x', 1.25] } })],
            [makeRecord('лint_errors', 0, 1_700_000_000_002)],
          ];
          for (const b of batches) await f.store.append(b);
          const before = plainAll(await f.store.query({}));
          await f.store.close();
          const second = await reopen!(f);
          extra.push(second);
          expect(plainAll(await second.store.query({}))).toEqual(before);
          expect(await second.store.names()).toEqual(['coverage_percent', 'test_duration', 'лint_errors']);
          // The reopened store accepts appends and keeps ordering with the old records.
          await second.store.append([makeRecord('test_duration', 14.5, 1_700_000_000_000)]);
          expect((await second.store.query({ name: 'test_duration' })).map((r) => r.value)).toEqual([13.5, 14.5, 12.5]);
          await second.store.close();
          const third = await reopen!(second as F);
          extra.push(third);
          expect((await third.store.query({ name: 'test_duration' })).map((r) => r.value)).toEqual([13.5, 14.5, 12.5]);
        },
        timeoutMs,
      );

      it.skipIf(!reopen)(
        'keeps a record whose append resolved, even without close()',
        async () => {
          await f.store.append([makeRecord('m', 1, 1)]);
          // A second instance opened while the first is still open (as another process would).
          const second = await reopen!(f);
          extra.push(second);
          expect(plainAll(await second.store.query({ name: 'm' }))).toEqual([plain(makeRecord('m', 1, 1))]);
        },
        timeoutMs,
      );
    });

    describe('concurrency and batches', () => {
      it(
        `${concurrentAppends} concurrent appends: every record present exactly once, batches in order`,
        async () => {
          const batches: MetricRecord[][] = [];
          for (let i = 0; i < concurrentAppends; i++) {
            const size = 1 + (i % 3);
            const batch: MetricRecord[] = [];
            for (let j = 0; j < size; j++) batch.push(makeRecord(`m${i % 7}`, i * 10 + j, 1000 + (i % 5), { id: `${i}/${j}` }));
            batches.push(batch);
          }
          await Promise.all(batches.map((b) => f.store.append(b)));
          const all = await f.store.query({});
          const ids = all.map((r) => r.metadata.id as string);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBe(batches.reduce((n, b) => n + b.length, 0));
          // Within a batch (same timestamp), records keep their order.
          const pos = new Map(ids.map((id, k) => [id, k]));
          for (const [i, b] of batches.entries()) for (let j = 1; j < b.length; j++) expect(pos.get(`${i}/${j}`)!).toBeGreaterThan(pos.get(`${i}/${j - 1}`)!);
          for (let k = 1; k < all.length; k++) expect(all[k]!.timestamp).toBeGreaterThanOrEqual(all[k - 1]!.timestamp);
        },
        timeoutMs,
      );

      it(
        'a batch with one bad record writes nothing (validated above the store by MetricsTracker)',
        async () => {
          const tracker = new MetricsTracker({ storage: f.store });
          await tracker.recordMetric('test_duration', 1, {}, { timestamp: 1 });
          const bad: MetricRecordInput[] = [
            { name: 'test_duration', value: 2, timestamp: 2 },
            { name: 'coverage_percent', value: 95, timestamp: 2 },
            { name: 'test_duration', value: NaN, timestamp: 3 },
          ];
          await expect(tracker.recordMetrics(bad)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
          await expect(tracker.recordMetrics([{ name: '', value: 1 }])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
          await expect(tracker.recordMetrics([{ name: 'x', value: 1, metadata: { f: (() => 1) as unknown as JsonValue } }])).rejects.toMatchObject({
            code: 'INVALID_RECORD',
          });
          expect((await f.store.query({})).map((r) => r.value)).toEqual([1]);
          expect(await f.store.names()).toEqual(['test_duration']);
        },
        timeoutMs,
      );
    });

    describe('close', () => {
      it(
        'rejects every method with STORE_CLOSED after close(), which is idempotent',
        async () => {
          await f.store.append([makeRecord('m', 1, 1)]);
          await f.store.close();
          await f.store.close();
          await expect(f.store.names()).rejects.toMatchObject({ code: 'STORE_CLOSED', name: 'LearningError' });
          await expect(f.store.query({})).rejects.toMatchObject({ code: 'STORE_CLOSED' });
          await expect(f.store.append([makeRecord('m', 2, 2)])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
        },
        timeoutMs,
      );
    });

    describe('model check', () => {
      it(
        'random append/query programs agree with createMemoryStore()',
        async () => {
          const metadataArb: fc.Arbitrary<Metadata> = fc.record(
            { branch: fc.constantFrom('main', 'feature', null), run: fc.integer({ min: 0, max: 2 }), env: fc.constantFrom({ os: 'linux' }, { os: 'mac' }) },
            { requiredKeys: [] },
          );
          const recordArb = fc
            .record({
              name: fc.constantFrom('test_duration', 'build_time', 'coverage_percent', 'ä'),
              value: fc.double({ noNaN: true, noDefaultInfinity: true }),
              timestamp: fc.integer({ min: 0, max: 20 }),
              metadata: metadataArb,
            })
            .map((r) => makeRecord(r.name, r.value, r.timestamp, r.metadata));
          const queryArb: fc.Arbitrary<MetricQuery> = fc.record(
            {
              name: fc.constantFrom('test_duration', 'build_time', 'coverage_percent', 'ä', 'missing'),
              from: fc.integer({ min: -1, max: 21 }),
              to: fc.integer({ min: -1, max: 21 }),
              where: metadataArb,
              order: fc.constantFrom('asc' as const, 'desc' as const),
              limit: fc.integer({ min: 0, max: 12 }),
            },
            { requiredKeys: [] },
          );
          const opArb = fc.oneof(
            fc.record({ kind: fc.constant('append' as const), records: fc.array(recordArb, { maxLength: 6 }) }),
            fc.record({ kind: fc.constant('query' as const), query: queryArb }),
            fc.constant({ kind: 'names' as const }),
          );
          await fc.assert(
            fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
              const sut = await open();
              const model = createMemoryStore();
              try {
                for (const op of ops) {
                  if (op.kind === 'append') {
                    await sut.store.append(op.records);
                    await model.append(op.records);
                  } else if (op.kind === 'query') {
                    expect(plainAll(await sut.store.query(op.query))).toEqual(plainAll(await model.query(op.query)));
                  } else {
                    expect(await sut.store.names()).toEqual(await model.names());
                  }
                }
                expect(plainAll(await sut.store.query({}))).toEqual(plainAll(await model.query({})));
              } finally {
                await sut.store.close();
                await sut.dispose?.();
              }
            }),
            { numRuns: modelRuns },
          );
        },
        timeoutMs,
      );
    });
  });
}
export { itAnswersLikeTheMemoryStore, type ModelCheckOptions } from './model-check.js';
export { appendUntilKilled, itKeepsAcknowledgedAppendsAcrossCrashes, type CrashCheckOptions, type CrashFixture } from './crash-check.js';
export {
  appendAsConcurrentWriter,
  itKeepsEveryRecordFromConcurrentWriters,
  type ConcurrentWritersFixture,
  type ConcurrentWritersOptions,
} from './concurrency-check.js';
