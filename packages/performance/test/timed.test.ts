import { describe, expect, it } from 'vitest';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { timed } from '../src/timed.js';
import { cached } from '../src/cached.js';

describe('timed', () => {
  it('wraps a sync function, keeping this, arguments and the result', () => {
    const monitor = PerformanceMonitor.isolated();
    const obj = {
      factor: 3,
      times: timed('times', { monitor })(function (this: { factor: number }, x: number) {
        return this.factor * x;
      }),
    };
    expect(obj.times(2)).toBe(6);
    expect(obj.times(5)).toBe(15);
    const s = monitor.getStats('times')!;
    expect(s.count).toBe(2);
    expect(s.errors).toBe(0);
    expect(s.min).toBeGreaterThanOrEqual(0);
  });

  it('defaults the name to the function name and keeps name and length', () => {
    const monitor = PerformanceMonitor.isolated();
    function computeThing(a: number, b: number): number {
      return a + b;
    }
    const t = timed(undefined, { monitor })(computeThing);
    expect(t.name).toBe('computeThing');
    expect(t.length).toBe(2);
    t(1, 2);
    const direct = timed(computeThing, { monitor });
    direct(3, 4);
    expect(monitor.getStats('computeThing')?.count).toBe(2);
  });

  it('rejects an anonymous function without a name and an empty name', () => {
    expect(() => timed()(() => 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => timed('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a monitor option that is not a PerformanceMonitor with INVALID_ARGUMENT (not a TypeError)', () => {
    expect(() => timed('x', { monitor: {} as never })(() => 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('counts a throw as an error and rethrows the same error', () => {
    const monitor = PerformanceMonitor.isolated();
    const boom = new TypeError('boom');
    const f = timed('fails', { monitor })(() => {
      throw boom;
    });
    let caught: unknown;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(monitor.getStats('fails')).toMatchObject({ count: 1, errors: 1 });
  });

  it('times an async call until it settles and returns the very same promise', async () => {
    const monitor = PerformanceMonitor.isolated();
    let release!: (v: string) => void;
    const p = new Promise<string>((r) => (release = r));
    const f = timed('async_op', { monitor })(() => p);
    const returned = f();
    expect(returned).toBe(p);
    expect(monitor.getStats('async_op')).toBeUndefined();
    release('done');
    await expect(returned).resolves.toBe('done');
    await Promise.resolve();
    expect(monitor.getStats('async_op')).toMatchObject({ count: 1, errors: 0 });
  });

  it('counts a rejection as an error and passes the rejection through unchanged', async () => {
    const monitor = PerformanceMonitor.isolated();
    const reason = new Error('nope');
    const f = timed('rejects', { monitor })(async () => {
      await Promise.resolve();
      throw reason;
    });
    await expect(f()).rejects.toBe(reason);
    await Promise.resolve();
    expect(monitor.getStats('rejects')).toMatchObject({ count: 1, errors: 1 });
  });

  it('records into the global monitor by default', () => {
    const name = `timed_global_${Math.random()}`;
    timed(name)(() => 1)();
    expect(PerformanceMonitor.global.getStats(name)?.count).toBe(1);
    PerformanceMonitor.global.reset(name);
  });

  it('works as a standard method decorator, named after the method by default', async () => {
    const monitor = PerformanceMonitor.isolated();
    class Api {
      constructor(private readonly base: string) {}
      @timed('api_request', { monitor })
      async request(path: string): Promise<string> {
        await Promise.resolve();
        return this.base + path;
      }
      @timed(undefined, { monitor })
      sum(a: number, b: number): number {
        return a + b;
      }
    }
    const api = new Api('https://x');
    await expect(api.request('/users')).resolves.toBe('https://x/users');
    expect(api.sum(1, 2)).toBe(3);
    await Promise.resolve();
    expect(monitor.getStats('api_request')?.count).toBe(1);
    expect(monitor.getStats('sum')?.count).toBe(1);
  });

  it('keeps fn.cache reachable when wrapping a cached function', () => {
    const monitor = PerformanceMonitor.isolated();
    const f = timed('fetch', { monitor })(cached({ maxSize: 10 })((x: number) => x * 2));
    f(1);
    f(1);
    expect(f.cache.stats).toEqual({ hits: 1, misses: 1, evictions: 0 });
    expect(monitor.getStats('fetch')?.count).toBe(2);
  });

  it('never lets a monitoring failure reach the caller', () => {
    const monitor = PerformanceMonitor.isolated();
    const f = timed('x', { monitor })(() => 42);
    // Sabotage the recorder: the call must still return.
    const r = monitor.recorder('x');
    r.record = () => {
      throw new Error('monitor broken');
    };
    expect(f()).toBe(42);
  });
});

describe('timed with hostile results', () => {
  it('returns a value whose then getter throws instead of failing the call', () => {
    const monitor = PerformanceMonitor.isolated();
    const weird = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('no then for you');
      },
    });
    const f = timed('weird', { monitor })(() => weird);
    expect(f()).toBe(weird);
    expect(monitor.getStats('weird')?.count).toBe(1);
  });
});
