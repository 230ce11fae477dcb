// Bad options must fail loudly with INVALID_ARGUMENT: a misspelt or snake_case key (the guide is Python,
// `@cached(max_size=100)`) used to be ignored and the default used without a word, and a few non-objects
// failed with a TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { cached } from '../src/cached.js';
import { timed } from '../src/timed.js';
import { SimpleCache } from '../src/simple-cache.js';
import { TieredCache } from '../src/tiered-cache.js';
import { RedisCacheStore } from '../src/redis-cache-store.js';
import { PerformanceMonitor } from '../src/performance-monitor.js';

const invalid = (text?: string) => expect.objectContaining({ name: 'PerformanceError', code: 'INVALID_ARGUMENT', ...(text ? { message: expect.stringContaining(text) } : {}) });
const fakeRedis = { get: async () => null, set: async () => 'OK', del: async () => 0 };

describe('options are checked', () => {
  it('refuses unknown and snake_case keys with a did-you-mean', () => {
    expect(() => cached({ max_size: 10 } as never)).toThrow(invalid('unknown option "max_size"; did you mean maxSize?'));
    expect(() => cached({ ttl: 10 } as never)).toThrow(invalid('unknown option "ttl"; did you mean ttlMs?'));
    expect(() => cached({ TTL_MS: 10 } as never)).toThrow(invalid('did you mean ttlMs?'));
    expect(() => new SimpleCache({ maxSize: 10, ttl_ms: 5 } as never)).toThrow(invalid('did you mean ttlMs?'));
    expect(() => new SimpleCache({ max_size: 10 } as never)).toThrow(invalid('did you mean maxSize?'));
    expect(() => new TieredCache([new SimpleCache(1)], { ttl: 5 } as never)).toThrow(invalid('unknown option "ttl"'));
    expect(() => timed('x', { monitr: PerformanceMonitor.isolated() } as never)).toThrow(invalid('unknown option "monitr"'));
    expect(() => PerformanceMonitor.isolated({ max_bins: 128 } as never)).toThrow(invalid('did you mean maxBins?'));
    expect(() => PerformanceMonitor.isolated().toPrometheus({ metric_name: 'x' } as never)).toThrow(invalid('did you mean metricName?'));
    expect(() => new RedisCacheStore({ client: fakeRedis, ttl_ms: 5 } as never)).toThrow(invalid('did you mean ttlMs?'));
  });

  it('refuses a clock without now(), a non-function onTierError or codec, and tiers that are not stores', () => {
    expect(() => cached({ clock: {} as never })).toThrow(invalid('clock'));
    expect(() => new SimpleCache({ maxSize: 1, clock: Date.now as never })).toThrow(invalid('clock'));
    expect(() => new TieredCache([new SimpleCache(1)], { onTierError: 'log' as never })).toThrow(invalid('onTierError'));
    expect(() => new TieredCache([{} as never])).toThrow(invalid('tier 0'));
    expect(() => new TieredCache([new SimpleCache(1), null as never])).toThrow(invalid('tier 1'));
    expect(() => new RedisCacheStore({ client: fakeRedis, serialize: 'json' as never })).toThrow(invalid('serialize'));
  });

  it('getOrLoad rejects a loader that is not a function', async () => {
    const cache = new TieredCache<number>([new SimpleCache(1)]);
    await expect(cache.getOrLoad('k', 5 as never)).rejects.toEqual(invalid('loader'));
  });

  it('checkBudgets refuses null, an array or a string instead of a TypeError or a silent []', () => {
    const monitor = PerformanceMonitor.isolated();
    monitor.recordOperation('a', 1);
    for (const budgets of [null, [1], 'a']) expect(() => monitor.checkBudgets(budgets as never)).toThrow(invalid('checkBudgets'));
  });

  it('toPrometheus refuses an unknown type instead of writing an invalid "# TYPE" line', () => {
    const monitor = PerformanceMonitor.isolated();
    monitor.recordOperation('a', 1);
    expect(() => monitor.toPrometheus({ type: 'histgram' as never })).toThrow(invalid("'summary' or 'histogram'"));
    expect(monitor.toPrometheus({ type: 'histogram' })).toContain('# TYPE autodev_operation_duration_seconds histogram');
  });

  it('toPrometheus refuses non-array quantiles/buckets, non-string labels and an empty or non-string metricName', () => {
    const monitor = PerformanceMonitor.isolated();
    monitor.recordOperation('a', 1);
    expect(() => monitor.toPrometheus({ quantiles: 0.5 as never })).toThrow(invalid('quantiles must be an array of numbers'));
    expect(() => monitor.toPrometheus({ quantiles: ['0.5'] as never })).toThrow(invalid('quantiles must be an array of numbers'));
    expect(() => monitor.toPrometheus({ type: 'histogram', buckets: 1 as never })).toThrow(invalid('buckets must be an array of numbers'));
    expect(() => monitor.toPrometheus({ labels: 'service=api' as never })).toThrow(invalid('labels must be an object'));
    expect(() => monitor.toPrometheus({ labels: { shard: { id: 3 } } as never })).toThrow(invalid('label "shard" must have a string value'));
    expect(monitor.toPrometheus({ labels: { shard: 3 } as never })).toContain('shard="3"');
    expect(() => monitor.toPrometheus({ metricName: 5 as never })).toThrow(invalid('metricName'));
    expect(() => monitor.toPrometheus({ metricName: '' })).toThrow(invalid('metricName'));
    expect(monitor.toPrometheus({ metricName: 'x_seconds', labels: { service: 'api' }, quantiles: [0.5] })).toContain('x_seconds{service="api",operation="a",quantile="0.5"} 1');
  });

  it('a legacy (experimentalDecorators) decorator call says what to change instead of "got object"', () => {
    const proto = {};
    const descriptor = { value: () => 1, writable: true, enumerable: false, configurable: true };
    const legacy = (decorator: unknown) => (decorator as (t: object, k: string, d: PropertyDescriptor) => unknown)(proto, 'get', descriptor);
    expect(() => legacy(timed('x'))).toThrow(invalid('legacy decorator (experimentalDecorators) on "get"'));
    expect(() => legacy(cached())).toThrow(invalid('legacy decorator (experimentalDecorators) on "get"'));
    expect(() => timed('x')(5 as never)).toThrow(invalid('expected a function to wrap, got number'));
  });

  it('a bare decorator call timed(method, context) still times the method under its own name', () => {
    const monitor = PerformanceMonitor.global;
    const name = `bare_${Math.random().toString(36).slice(2)}`;
    const context = { kind: 'method', name, addInitializer: () => undefined } as unknown as ClassMethodDecoratorContext;
    const wrapped = (timed as unknown as (fn: () => number, c: unknown) => () => number)(function () {
      return 1;
    }, context);
    expect(wrapped()).toBe(1);
    expect(monitor.getStats(name)?.count).toBe(1);
    monitor.reset(name);
  });
});
