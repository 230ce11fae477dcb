// Model check: random append/query sequences give the same answers as the reference memory store.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { createMemoryStore, type MetricQuery, type MetricRecord } from '@autodev/learning';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const url = databaseUrl();
const schema = randomSchema();
let pool: pg.Pool;
let run = 0;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

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

test.prop([fc.array(fc.array(record, { maxLength: 8 }), { maxLength: 6 }), fc.array(query, { minLength: 1, maxLength: 8 })], { numRuns: 30 })(
  'answers like the memory store',
  async (batches, queries) => {
    // A fresh table per run, all on one borrowed pool.
    const store = await openPostgresStore({ pool, schema, table: `model_${run++}` });
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
