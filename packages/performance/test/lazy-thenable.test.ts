// A query builder (Knex, a Mongoose Query) is a lazy thenable: every then() runs the query. timed and cached
// used to call then() on any thenable next to the caller's own await, so the query ran twice (two inserts,
// or Mongoose's "Query was already executed" rejection for the caller).
import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { timed } from '../src/timed.js';
import { cached } from '../src/cached.js';

/** A Mongoose-like query: the first then() runs it, a second one rejects as Mongoose 6+ does. */
function lazyQuery(result: number) {
  const query = {
    runs: 0,
    then<T>(onFulfilled?: (v: number) => T, onRejected?: (e: unknown) => T): Promise<T> {
      query.runs++;
      const outcome = query.runs === 1 ? Promise.resolve(result) : Promise.reject(new Error('Query was already executed'));
      return outcome.then(onFulfilled, onRejected);
    },
  };
  return query;
}

describe('lazy thenables run once', () => {
  it('timed returns a query builder untouched: the caller runs it once and gets its result', async () => {
    const monitor = PerformanceMonitor.isolated();
    const query = lazyQuery(42);
    const find = timed('find', { monitor })(() => query);
    const returned = find();
    expect(returned).toBe(query);
    await expect(returned).resolves.toBe(42);
    expect(query.runs).toBe(1);
    expect(monitor.getStats('find')?.count).toBe(1);
  });

  it('cached stores a query builder without running it', async () => {
    const query = lazyQuery(7);
    const find = cached()(() => query);
    expect(find()).toBe(query);
    expect(query.runs).toBe(0);
    await expect(find()).resolves.toBe(7);
    expect(query.runs).toBe(1);
  });

  it('native promises are still timed until they settle, also from another realm', async () => {
    const monitor = PerformanceMonitor.isolated();
    const foreign = runInNewContext('Promise.reject(new Error("x"))') as Promise<never>;
    const f = timed('foreign', { monitor })(() => foreign);
    await expect(f()).rejects.toThrow('x');
    await new Promise((r) => setTimeout(r, 0));
    expect(monitor.getStats('foreign')).toMatchObject({ count: 1, errors: 1 });
  });
});
