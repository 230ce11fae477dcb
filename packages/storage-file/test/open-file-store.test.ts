import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc, test as prop } from '@fast-check/vitest';
import { createMemoryStore, isLearningError, type MetricRecord } from '@autodev/learning';
import { describe, expect, it } from 'vitest';
import { openFileStore } from '../src/index.js';
import { HEADER, collectWarnings, line, tempDir } from './helpers.js';

const rec = (name: string, value: number, timestamp: number, metadata: MetricRecord['metadata'] = {}): MetricRecord => ({ name, value, timestamp, metadata });

describe('openFileStore', () => {
  it('creates parent folders and a file that starts with the header', async () => {
    const path = join(await tempDir(), 'a', 'b', 'metrics.jsonl');
    const store = await openFileStore({ path });
    expect(store.path).toBe(path);
    const text = await readFile(path, 'utf8');
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ format: 'autodev-metrics', version: 1 });
    expect(text.endsWith('\n')).toBe(true);
    await store.close();
  });

  it('writes one human-readable JSON object per line, greppable by name', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    await store.append([rec('test_duration', 12.5, 1_767_225_600_000, { suite: 'integration', branch: 'main' })]);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({ name: 'test_duration', value: 12.5, timestamp: 1_767_225_600_000, metadata: { suite: 'integration', branch: 'main' } });
    await store.close();
  });

  it('round-trips extreme numbers and odd strings exactly across reopen', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const records = [
      rec('max', Number.MAX_VALUE, 0),
      rec('max', -Number.MAX_VALUE, 1),
      rec('min', Number.MIN_VALUE, 2),
      rec('min', -Number.MIN_VALUE, 3),
      rec('frac', 0.1 + 0.2, 1_700_000_000_123.25),
      rec('neg', -123456789.12345679, -8.64e15),
      rec('big', 2 ** 53 + 2, 8.64e15),
      rec('quote " and \\ and é 🚀', 1e-7, 4, { 'k"ey': 'line\nbreak', nested: [1, { deep: null }], e: 1e21 }),
    ];
    const a = await openFileStore({ path });
    await a.append(records.slice(0, 3));
    for (const r of records.slice(3)) await a.append([r]);
    await a.close();
    const b = await openFileStore({ path });
    const got = await b.query();
    expect(got).toEqual([...records].sort((x, y) => x.timestamp - y.timestamp));
    for (const r of got) {
      const original = records.find((x) => x.name === r.name && x.timestamp === r.timestamp)!;
      expect(Object.is(r.value, original.value)).toBe(true);
    }
    await b.close();
  });

  it('returns frozen records', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    await store.append([rec('a', 1, 1, { tags: ['x'] })]);
    const [r] = await store.query();
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r!.metadata)).toBe(true);
    expect(Object.isFrozen(r!.metadata.tags)).toBe(true);
    await store.close();
  });

  it('sees records appended through another store on the same file (another process) on the next query', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const reader = await openFileStore({ path });
    const writer = await openFileStore({ path });
    expect(await reader.query()).toEqual([]);
    await writer.append([rec('a', 1, 10)]);
    await writer.append([rec('b', 2, 5), rec('a', 3, 20)]);
    expect(await reader.query({ name: 'a' })).toEqual([rec('a', 1, 10), rec('a', 3, 20)]);
    expect(await reader.names()).toEqual(['a', 'b']);
    await reader.append([rec('c', 4, 1)]);
    expect((await writer.query()).map((r) => r.name)).toEqual(['c', 'b', 'a', 'a']);
    await reader.close();
    await writer.close();
  });

  it('keeps calls in order when appends are not awaited', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append([rec('n', i, 7)])));
    expect((await store.query()).map((r) => r.value)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await store.close();
  });

  it('rejects with STORE_CLOSED after close, and close is idempotent', async () => {
    const store = await openFileStore({ path: join(await tempDir(), 'm.jsonl') });
    await store.close();
    await store.close();
    for (const p of [store.append([rec('a', 1, 1)]), store.query(), store.names(), store.compact()])
      await expect(p).rejects.toMatchObject({ name: 'LearningError', code: 'STORE_CLOSED' });
  });

  it('validates options and queries with INVALID_ARGUMENT', async () => {
    const dir = await tempDir();
    await expect(openFileStore({ path: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openFileStore({ path: join(dir, 'x'), onCorrupt: 'ignore' as 'skip' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A misspelt or mistyped option is refused, not ignored: { readonly: true } created the file and appended to it.
    const typo = join(dir, 'typo.jsonl');
    await expect(openFileStore({ path: typo, readonly: true } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "readonly"; did you mean readOnly\?/) });
    await expect(openFileStore({ path: typo, f_sync: true } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/did you mean fsync\?/) });
    await expect(openFileStore({ path: typo, toString: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "toString" \(options: path, /) });
    for (const key of ['readOnly', 'fsync', 'eager'])
      await expect(openFileStore({ path: typo, [key]: 'yes' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`options.${key} must be true or false`) });
    expect(existsSync(typo)).toBe(false);
    await (await openFileStore({ path: typo, onWarning: undefined, fsync: undefined })).close(); // undefined values are absent options
    const store = await openFileStore({ path: join(dir, 'm.jsonl') });
    await expect(store.query({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await store.close();
  });

  it('compact() rewrites atomically, keeping every good record and dropping damage', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    await writeFile(path, HEADER + line('a', 1, 1) + 'garbage\n' + line('b', 2, 2) + '{"name":"c","value":3,"timestamp":3,"metadata":{},"batch":"ab/2"}\n' + line('a', 4, 4) + '{"name":"a","val');
    const { warnings, onWarning } = collectWarnings();
    const store = await openFileStore({ path, onCorrupt: 'skip', onWarning, eager: true });
    expect(warnings.map((w) => w.code).sort()).toEqual(['CORRUPT_LINE_SKIPPED', 'INCOMPLETE_BATCH', 'TORN_LINE']);
    const before = await store.query();
    const result = await store.compact();
    expect(result.records).toBe(3);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(await store.query()).toEqual(before);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').slice(1)).toEqual([line('a', 1, 1), line('b', 2, 2), line('a', 4, 4), ''].map((l) => l.trimEnd()));
    await store.append([rec('z', 9, 9)]);
    await store.close();
    const again = await openFileStore({ path });
    expect((await again.query()).map((r) => r.value)).toEqual([1, 2, 4, 9]);
    await again.close();
  });

  it('a store reloads when another process compacts the file', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const { warnings, onWarning } = collectWarnings();
    const a = await openFileStore({ path, onWarning });
    const b = await openFileStore({ path });
    await a.append([rec('x', 1, 1)]);
    expect(await a.query()).toHaveLength(1);
    await b.compact();
    await b.append([rec('x', 2, 2)]);
    expect((await a.query()).map((r) => r.value)).toEqual([1, 2]);
    expect(warnings.map((w) => w.code)).toEqual(['FILE_REPLACED']);
    await a.append([rec('x', 3, 3)]);
    expect((await b.query()).map((r) => r.value)).toEqual([1, 2, 3]);
    await a.close();
    await b.close();
  });

  it('errors are LearningErrors from @autodev/learning', async () => {
    const dir = await tempDir();
    const err: unknown = await openFileStore({ path: dir }).catch((e: unknown) => e);
    expect(isLearningError(err)).toBe(true);
  });
});

const arbRecord = fc.record({
  name: fc.constantFrom('test_duration', 'build_time', 'coverage_percent', 'api_latency_"users"', 'ünïcode'),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
  timestamp: fc.oneof(fc.integer({ min: 1_600_000_000_000, max: 1_600_000_000_050 }), fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v))),
  metadata: fc.dictionary(fc.constantFrom('suite', 'branch', 'n', 'x y'), fc.oneof(fc.constantFrom('main', 'dev'), fc.integer({ min: 0, max: 3 }), fc.boolean())),
});
const arbQuery = fc.record(
  {
    name: fc.constantFrom('test_duration', 'build_time', 'nope'),
    from: fc.integer({ min: 1_600_000_000_000, max: 1_600_000_000_050 }),
    to: fc.integer({ min: 1_600_000_000_000, max: 1_600_000_000_050 }),
    where: fc.dictionary(fc.constantFrom('suite', 'n'), fc.oneof(fc.constantFrom('main', 'dev'), fc.integer({ min: 0, max: 3 })), { maxKeys: 1 }),
    order: fc.constantFrom('asc' as const, 'desc' as const),
    limit: fc.nat(20),
  },
  { requiredKeys: [] },
);

describe('model check against the memory store', () => {
  prop.prop([fc.array(fc.array(arbRecord, { minLength: 1, maxLength: 5 }), { maxLength: 25 }), fc.array(arbQuery, { minLength: 1, maxLength: 8 })], { numRuns: 40 })(
    'every query after reopen agrees with createMemoryStore',
    async (batches, queries) => {
      const path = join(await tempDir(), 'm.jsonl');
      const memory = createMemoryStore();
      const file = await openFileStore({ path });
      for (const b of batches) {
        await file.append(b);
        await memory.append(b);
      }
      await file.close();
      const reopened = await openFileStore({ path });
      expect(await reopened.names()).toEqual(await memory.names());
      for (const q of queries) expect(await reopened.query(q)).toEqual(await memory.query(q));
      expect(await reopened.query()).toEqual(await memory.query());
      await reopened.close();
    },
  );
});

describe('compaction by another process', () => {
  it('a store that appended before the compaction appends into the new file afterwards', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const { onWarning } = collectWarnings();
    const writer = await openFileStore({ path, onWarning });
    const compactor = await openFileStore({ path });
    await writer.append([rec('x', 1, 1)]);
    await compactor.compact();
    await writer.append([rec('x', 2, 2)]);
    await compactor.close();
    const fresh = await openFileStore({ path });
    expect((await fresh.query()).map((r) => r.value)).toEqual([1, 2]);
    await fresh.close();
    await writer.close();
  });
});

describe('append guards the format', () => {
  it('rejects records that would not read back (NaN, missing metadata) with INVALID_RECORD, writing nothing', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    const before = await readFile(path, 'utf8');
    for (const bad of [rec('a', Number.NaN, 1), rec('a', 1, Number.POSITIVE_INFINITY), { name: 'a', value: 1, timestamp: 1 } as MetricRecord, rec('', 1, 1)])
      await expect(store.append([rec('ok', 1, 1), bad])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await store.query()).toEqual([]);
    await store.close();
  });

  it('rejects metadata that JSON.stringify would not write as an object (Date, toJSON, BigInt, cycle) with INVALID_RECORD, writing nothing', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    const before = await readFile(path, 'utf8');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const metadata of [new Date(0), { toJSON: () => 'x' }, { n: 1n }, cyclic]) {
      const bad = { name: 'a', value: 1, timestamp: 1, metadata } as unknown as MetricRecord;
      await expect(store.append([rec('ok', 1, 1), bad])).rejects.toMatchObject({ code: 'INVALID_RECORD', name: 'LearningError' });
    }
    expect(await readFile(path, 'utf8')).toBe(before);
    await store.close();
    // The file is still readable by every later store.
    const again = await openFileStore({ path });
    expect(await again.query()).toEqual([]);
    await again.close();
  });
});

describe('a file truncated under an open store', () => {
  for (const eager of [false, true]) {
    it(`emptied (: > metrics.jsonl): the next append writes the header again, so the file stays readable (eager: ${eager})`, async () => {
      const path = join(await tempDir(), 'm.jsonl');
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, eager, onWarning });
      await store.append([rec('a', 1, 1)]);
      expect(await store.query()).toEqual([rec('a', 1, 1)]);
      await writeFile(path, ''); // same inode, 0 bytes: the user starts the history over
      await store.append([rec('a', 2, 2)]);
      expect((await readFile(path, 'utf8')).startsWith('{"format":"autodev-metrics"')).toBe(true);
      expect(warnings.map((w) => w.code)).toContain('FILE_REPLACED');
      expect(await store.query()).toEqual([rec('a', 2, 2)]);
      await store.close();
      const fresh = await openFileStore({ path });
      expect(await fresh.query()).toEqual([rec('a', 2, 2)]);
      await fresh.close();
    });
  }

  it('cut inside a record: the next append starts on a fresh line and every whole record before the cut is kept', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path, onWarning: () => undefined });
    await store.append([rec('a', 1, 1)]);
    await store.append([rec('a', 2, 2)]);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 10)); // the last record loses its end
    await store.append([rec('a', 3, 3)]);
    await store.close();
    const { warnings, onWarning } = collectWarnings();
    const fresh = await openFileStore({ path, onWarning });
    expect(await fresh.query()).toEqual([rec('a', 1, 1), rec('a', 3, 3)]);
    expect(warnings.map((w) => w.code)).toEqual(['TORN_LINE']);
    await fresh.close();
  });
});
