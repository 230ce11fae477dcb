// Model check: random append/query sequences give the same answers as the reference memory store.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { createMemoryStore, type MetricQuery, type MetricRecord } from '@autodev/learning';
import { openSqliteStore } from '../src/index.js';

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

test.prop([fc.array(fc.array(record, { maxLength: 8 }), { maxLength: 6 }), fc.array(query, { minLength: 1, maxLength: 8 })], { numRuns: 150 })(
  'answers like the memory store',
  async (batches, queries) => {
    const store = await openSqliteStore({ path: ':memory:' });
    const model = createMemoryStore();
    try {
      for (const b of batches) {
        await store.append(b);
        await model.append(b);
      }
      expect(await store.names()).toEqual(await model.names());
      for (const q of queries) expect(await store.query(q)).toEqual(await model.query(q));
    } finally {
      await store.close();
    }
  },
);
