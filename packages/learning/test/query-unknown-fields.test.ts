import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../src/trends.js';
import { createMemoryStore } from '../src/memory-store.js';
import { closestKey } from '../src/options.js';
import { validateQuery, type MetricQuery } from '../src/store.js';

// A misspelt query field used to be no filter at all: { nmae: 'build_time' } returned every record of every
// metric on the memory, file, SQLite and PostgreSQL stores (the collector and the HTTP store already refused it).
describe('validateQuery: unknown fields', () => {
  it('refuses a misspelt field with a did-you-mean, before any backend runs the query', async () => {
    expect(() => validateQuery({ nmae: 'build_time' } as unknown as MetricQuery)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/query: unknown field "nmae"; did you mean name\? \(fields: name, from, to, where, order, limit\)/) }),
    );
    const store = createMemoryStore();
    await store.append([{ name: 'a', value: 1, timestamp: 1, metadata: {} }, { name: 'b', value: 2, timestamp: 2, metadata: {} }]);
    await expect(store.query({ limt: 1 } as unknown as MetricQuery)).rejects.toThrow(/unknown field "limt"; did you mean limit\?/);
    await expect(store.query({ metric: 'a' } as unknown as MetricQuery)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Known fields still work, and nothing stored changed.
    expect((await store.query({ name: 'a' })).map((r) => r.value)).toEqual([1]);
    expect(await store.query()).toHaveLength(2);
  });

  it('names no field when nothing is close', () => {
    expect(() => validateQuery({ branch: 'main' } as unknown as MetricQuery)).toThrow(/unknown field "branch" \(fields:/);
  });
});

describe('closestKey', () => {
  it('prefers the camelCase spelling of a snake_case key, then the nearest key within two edits', () => {
    expect(closestKey('min_points', ['minPoints', 'window'])).toBe('minPoints');
    expect(closestKey('nmae', ['name', 'from', 'to'])).toBe('name'); // a transposition is one edit
    expect(closestKey('windw', ['window', 'minPoints'])).toBe('window');
    expect(closestKey('Limit', ['limit'])).toBe('limit');
    expect(closestKey('branch', ['name', 'from', 'to', 'where', 'order', 'limit'])).toBeUndefined();
  });

  it('gives options a did-you-mean for typos too, not only for snake_case', () => {
    expect(() => analyzeSeries([1, 2, 3, 4, 5], { minPoint: 3 } as never)).toThrow(/unknown option "minPoint"; did you mean minPoints\?/);
  });
});
