import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createMemoryStore } from '../memory-store.js';
import type { MetricRecord } from '../record.js';
import type { MetricQuery, MetricStore } from '../store.js';

// Values that drivers like to mangle: NUL (rejected by PostgreSQL text), lone surrogates (turned into
// U+FFFD by UTF-8 encoders), -1.5 and extreme doubles, nested arrays and objects in metadata.
const json = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, -1.5, 'a', 'b', '', '\u0000', '\uD800'),
    fc.array(tie('v'), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('x', 'y'), tie('v'), { maxKeys: 2 }),
  ),
})).v;
const metadata = fc.dictionary(fc.constantFrom('branch', 'suite', 'k'), json, { maxKeys: 3 });
const record = fc.record({
  name: fc.constantFrom('a', 'b', 'B', 'é', '😀', 'x\uDC00'),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
  timestamp: fc.integer({ min: 0, max: 5 }),
  metadata,
}) as fc.Arbitrary<MetricRecord>;
const query = fc.record(
  {
    name: fc.constantFrom('a', 'b', 'é', 'x\uDC00', 'missing'),
    from: fc.integer({ min: 0, max: 5 }),
    to: fc.integer({ min: 0, max: 6 }),
    where: fc.dictionary(fc.constantFrom('branch', 'suite', 'k'), json, { maxKeys: 2 }),
    order: fc.constantFrom('asc' as const, 'desc' as const),
    limit: fc.integer({ min: 0, max: 6 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<MetricQuery>;

/** Options of {@link itAnswersLikeTheMemoryStore}. */
export interface ModelCheckOptions {
  /** How many random append/query sequences to try. @default 100 */
  numRuns?: number;
  /**
   * Opens a second store on the location the last `open()` used. When given, each sequence also closes the
   * store, reopens it and asks every query again, so what a backend wrote (not a cache of it) is checked too.
   */
  reopen?: () => Promise<MetricStore>;
}

/**
 * A vitest case (call it inside a test file or `describe`) that appends random batches of records
 * with hostile strings and values to a fresh store from `open`, and checks that `names()` and random
 * queries answer exactly like `createMemoryStore()`, and with `reopen` again after closing and reopening.
 * Stricter on values than the contract suite's own model check; backends whose driver encodes strings or
 * numbers run it too.
 * @example
 * let path = '';
 * itAnswersLikeTheMemoryStore(() => openSqliteStore({ path: (path = join(dir, `m${run++}.db`)) }), {
 *   reopen: () => openSqliteStore({ path }),
 * });
 */
export function itAnswersLikeTheMemoryStore(open: () => Promise<MetricStore>, options: ModelCheckOptions = {}): void {
  it('answers like the memory store on hostile strings and values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(record, { maxLength: 8 }), { maxLength: 6 }), fc.array(query, { minLength: 1, maxLength: 8 }), async (batches, queries) => {
        const store = await open();
        const model = createMemoryStore();
        const answersLikeTheModel = async (s: MetricStore) => {
          expect(await s.names()).toEqual(await model.names());
          for (const q of queries) expect(await s.query(q)).toEqual(await model.query(q));
        };
        try {
          for (const b of batches) {
            await store.append(b);
            await model.append(b);
          }
          await answersLikeTheModel(store);
        } finally {
          await store.close();
        }
        if (options.reopen) {
          const again = await options.reopen();
          try {
            await answersLikeTheModel(again);
          } finally {
            await again.close();
          }
        }
      }),
      { numRuns: options.numRuns ?? 100 },
    );
  }, 120_000);
}
