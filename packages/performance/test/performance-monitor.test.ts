import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GLOBAL_MONITOR_KEY, PerformanceMonitor, SNAPSHOT_VERSION, type PerformanceSnapshotV1 } from '../src/performance-monitor.js';
import { RELATIVE_ACCURACY } from '../src/quantile-sketch.js';
import { isPerformanceError, type PerformanceError } from '../src/performance-error.js';

const duration = fc.double({ min: 1e-7, max: 100, noNaN: true });

describe('PerformanceMonitor', () => {
  it('answers count, total, avg, min, max and the sample stdDev', () => {
    const m = PerformanceMonitor.isolated();
    for (const v of [1, 2, 3, 4]) m.recordOperation('database_query', v);
    const s = m.getStats('database_query')!;
    expect(s).toMatchObject({ count: 4, total: 10, avg: 2.5, min: 1, max: 4, errors: 0 });
    // R: sd(c(1, 2, 3, 4)) = 1.290994
    expect(s.stdDev).toBeCloseTo(1.2909944487358056, 12);
    // Lower order statistic x₍⌊q·(n−1)⌋₎: p50 → x₍1₎ = 2, p99 → x₍2₎ = 3, each within 0.78%.
    expect(Math.abs(s.p50 - 2) / 2).toBeLessThanOrEqual(RELATIVE_ACCURACY * (1 + 1e-9));
    expect(Math.abs(s.p99 - 3) / 3).toBeLessThanOrEqual(RELATIVE_ACCURACY * (1 + 1e-9));
  });

  it('gives stdDev 0 for one sample and exact quantiles when all samples are equal', () => {
    const m = PerformanceMonitor.isolated();
    m.recordOperation('x', 0.45);
    expect(m.getStats('x')).toMatchObject({ count: 1, stdDev: 0, p50: 0.45, p99: 0.45 });
  });

  it('returns undefined for an unknown name and lists names sorted', () => {
    const m = PerformanceMonitor.isolated();
    expect(m.getStats('nope')).toBeUndefined();
    m.recordOperation('b', 1);
    m.recordOperation('a', 1);
    expect(m.names()).toEqual(['a', 'b']);
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY, '1' as unknown as number])('rejects duration %s with INVALID_ARGUMENT', (v) => {
    const m = PerformanceMonitor.isolated();
    try {
      m.recordOperation('x', v);
      expect.unreachable();
    } catch (e) {
      expect(isPerformanceError(e) && e.code).toBe('INVALID_ARGUMENT');
    }
    expect(m.getStats('x')).toBeUndefined();
  });

  it('rejects an empty name with INVALID_ARGUMENT', () => {
    expect(() => PerformanceMonitor.isolated().recordOperation('', 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('counts errors separately from the durations', () => {
    const m = PerformanceMonitor.isolated();
    m.recordOperation('x', 1);
    m.recordError('x', 3);
    expect(m.getStats('x')).toMatchObject({ count: 2, errors: 1, max: 3 });
  });

  it('reset forgets samples of one name or all, keeping recorders attached', () => {
    const m = PerformanceMonitor.isolated();
    const r = m.recorder('a');
    r.record(1);
    m.recordOperation('b', 1);
    m.reset('a');
    expect(m.getStats('a')).toBeUndefined();
    expect(m.names()).toEqual(['b']);
    r.record(2);
    expect(m.getStats('a')?.count).toBe(1);
    m.reset();
    expect(m.names()).toEqual([]);
  });

  it('new PerformanceMonitor() and .global are the one instance kept on globalThis', () => {
    const a = new PerformanceMonitor();
    expect(PerformanceMonitor.global).toBe(a);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('autodev.performance.v1')]).toBe(a);
    expect(GLOBAL_MONITOR_KEY).toBe(Symbol.for('autodev.performance.v1'));
    expect(PerformanceMonitor.isolated()).not.toBe(a);
  });

  test.prop([fc.array(fc.array(duration, { maxLength: 60 }), { minLength: 1, maxLength: 5 })])(
    'merged snapshots answer like one monitor that saw every sample',
    (parts) => {
      const single = PerformanceMonitor.isolated();
      const merged = PerformanceMonitor.isolated();
      for (const part of parts) {
        const worker = PerformanceMonitor.isolated();
        for (const v of part) {
          worker.recordOperation('op', v);
          single.recordOperation('op', v);
        }
        merged.merge(JSON.parse(JSON.stringify(worker.snapshot())));
      }
      const a = single.getStats('op');
      const b = merged.getStats('op');
      if (a === undefined) {
        expect(b).toBeUndefined();
        return;
      }
      const { count, min, max, p50, p90, p95, p99 } = a;
      expect(b).toMatchObject({ count, min, max, p50, p90, p95, p99 });
      expect(b!.total).toBeCloseTo(a.total, 9);
      expect(b!.avg).toBeCloseTo(a.avg, 9);
      expect(b!.stdDev).toBeCloseTo(a.stdDev, 9);
    },
  );

  it('rejects a malformed snapshot with INVALID_SNAPSHOT and merges nothing', () => {
    const m = PerformanceMonitor.isolated();
    for (const bad of [null, {}, { format: 'autodev.performance.snapshot', version: 3 }, { format: 'autodev.performance.snapshot', version: 2 }]) {
      expect(() => m.merge(bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_SNAPSHOT' }));
    }
    const snap = PerformanceMonitor.isolated().snapshot();
    (snap.operations as Record<string, unknown>).x = { count: 1 };
    expect(() => m.merge(snap)).toThrow(expect.objectContaining({ code: 'INVALID_SNAPSHOT' }));
    expect(m.names()).toEqual([]);
  });

  // A snapshot file as an earlier build wrote it: version 1, sketches without `collapsed` / `zeroCount`
  // (two calls of 0.1 s, one failed; 65254 is the bucket of 0.1 s).
  const v1Fixture = () => ({
    format: 'autodev.performance.snapshot',
    version: 1,
    mapping: { kind: 'bitwise-linear', subBucketBits: 6 },
    operations: {
      db_query: { count: 2, errors: 1, total: 0.2, min: 0.1, max: 0.1, mean: 0.1, m2: 0, sketch: { offset: 65254, counts: [2] } },
    },
  });

  it('writes version 2 and still merges a literal version-1 snapshot, filling collapsed=false and zeroCount=0', () => {
    const ref = PerformanceMonitor.isolated();
    ref.recordOperation('db_query', 0.1);
    ref.recordError('db_query', 0.1);
    const written = ref.snapshot();
    expect(written.version).toBe(SNAPSHOT_VERSION);
    expect(SNAPSHOT_VERSION).toBe(2);
    expect(written.operations.db_query!.sketch.offset).toBe(65254);
    const m = PerformanceMonitor.isolated();
    m.merge(v1Fixture() as PerformanceSnapshotV1);
    expect(m.getStats('db_query')).toEqual(ref.getStats('db_query'));
    // Re-snapshotting an imported v1 file writes the current version with the filled-in fields.
    const again = m.snapshot();
    expect(again.version).toBe(2);
    expect(again.operations.db_query!.sketch).toMatchObject({ collapsed: false, zeroCount: 0, counts: [2] });
  });

  it('names the bad field of a malformed snapshot in error.field', () => {
    const m = PerformanceMonitor.isolated();
    const fieldOf = (snap: unknown): unknown => {
      try {
        m.merge(snap as never);
      } catch (e) {
        expect(isPerformanceError(e) && e.code).toBe('INVALID_SNAPSHOT');
        return (e as PerformanceError).field;
      }
      return 'no error';
    };
    type Loose = { operations: Record<string, Record<string, unknown> & { sketch: Record<string, unknown> }> };
    const v2 = (): Loose => {
      const a = PerformanceMonitor.isolated();
      a.recordOperation('db', 0.5);
      return JSON.parse(JSON.stringify(a.snapshot())) as Loose;
    };
    // Version 2 requires the fields that version 1 may omit.
    const noZero = v2();
    delete noZero.operations.db!.sketch.zeroCount;
    expect(fieldOf(noZero)).toBe('operations["db"].sketch.zeroCount');
    const noCollapsed = v2();
    delete noCollapsed.operations.db!.sketch.collapsed;
    expect(fieldOf(noCollapsed)).toBe('operations["db"].sketch.collapsed');
    // Version 1 may omit them, but a present field must still be well formed.
    const badV1 = v1Fixture() as unknown as Loose;
    badV1.operations.db_query!.sketch.zeroCount = -1;
    expect(fieldOf(badV1)).toBe('operations["db_query"].sketch.zeroCount');
    const badCounts = v1Fixture() as unknown as Loose;
    badCounts.operations.db_query!.sketch.counts = ['2'];
    expect(fieldOf(badCounts)).toBe('operations["db_query"].sketch.counts');
    const badMean = v2();
    badMean.operations.db!.mean = null;
    expect(fieldOf(badMean)).toBe('operations["db"].mean');
    // Finite but impossible values are refused too: they would corrupt every later statistic of the name.
    const impossible: Array<[string, (op: Loose['operations'][string]) => void]> = [
      ['count', (op) => (op.count = -5)],
      ['count', (op) => (op.count = 1.5)],
      ['errors', (op) => (op.errors = 2)],
      ['total', (op) => (op.total = -1)],
      ['m2', (op) => (op.m2 = -1)],
      ['min', (op) => (op.min = 10)],
      ['min', (op) => (op.min = -1)],
      ['sketch.counts', (op) => (op.sketch.counts = [1e6])],
      ['sketch.counts', (op) => (op.sketch.counts = [0.5])],
      ['sketch.counts', (op) => (op.count = 0)],
      ['sketch.offset', (op) => (op.sketch.offset = 1e9)],
      ['sketch.zeroCount', (op) => (op.sketch.zeroCount = 0.5)],
    ];
    for (const [field, damage] of impossible) {
      const snap = v2();
      damage(snap.operations.db!);
      expect(fieldOf(snap)).toBe(`operations["db"].${field}`);
    }
    expect(fieldOf({ ...v2(), version: 7 })).toBe('version');
    expect(fieldOf({ ...v2(), mapping: { kind: 'log', subBucketBits: 6 } })).toBe('mapping');
    expect(m.names()).toEqual([]);
  });

  it('keeps a "__proto__" operation name an ordinary key through snapshot and merge', () => {
    const a = PerformanceMonitor.isolated();
    a.recordOperation('__proto__', 1);
    const b = PerformanceMonitor.isolated();
    b.merge(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.getStats('__proto__')?.count).toBe(1);
  });

  describe('toPrometheus', () => {
    it('never writes a label twice in a sample nor a series twice', () => {
      const m = PerformanceMonitor.isolated();
      m.recordOperation('db', 0.5);
      for (const labels of [{ operation: 'x' }, { quantile: 'x' }, { 'a-b': '1', a_b: '2' }] as Record<string, string>[]) {
        expect(() => m.toPrometheus({ labels })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }
      expect(() => m.toPrometheus({ type: 'histogram', labels: { le: 'x' } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      // `quantile` is only the summary's label, `le` only the histogram's.
      expect(m.toPrometheus({ type: 'histogram', labels: { quantile: 'x' } })).toContain('quantile="x"');
      const histogram = m.toPrometheus({ type: 'histogram', buckets: [1, 0.1, 1] });
      expect(histogram.match(/le="1"/g)).toHaveLength(1);
      const summary = m.toPrometheus({ quantiles: [0.5, 0.5, 0.99] });
      expect(summary.match(/quantile="0.5"/g)).toHaveLength(1);
    });

    it('writes a summary with HELP/TYPE, quantiles, sum, count and an errors counter', () => {
      const m = PerformanceMonitor.isolated();
      m.recordOperation('db', 0.5);
      m.recordError('db', 1.5);
      const text = m.toPrometheus();
      expect(text).toContain('# HELP autodev_operation_duration_seconds ');
      expect(text).toContain('# TYPE autodev_operation_duration_seconds summary\n');
      expect(text).toMatch(/^autodev_operation_duration_seconds\{operation="db",quantile="0.5"\} 0\.5\d*$/m);
      expect(text).toContain('autodev_operation_duration_seconds_sum{operation="db"} 2\n');
      expect(text).toContain('autodev_operation_duration_seconds_count{operation="db"} 2\n');
      expect(text).toContain('# TYPE autodev_operation_errors_total counter\n');
      expect(text).toContain('autodev_operation_errors_total{operation="db"} 1\n');
      expect(text.endsWith('\n')).toBe(true);
    });

    it('escapes label values and sanitizes metric and label names', () => {
      const m = PerformanceMonitor.isolated();
      m.recordOperation('a "quoted"\\name\nline', 1);
      const text = m.toPrometheus({ metricName: '1 bad-name.seconds', labels: { 'service-name': 'api', __x: 'y' } });
      expect(text).toContain('# TYPE _1_bad_name_seconds summary');
      expect(text).toContain('service_name="api",l__x="y",operation="a \\"quoted\\"\\\\name\\nline"');
    });

    it('writes a cumulative histogram with +Inf equal to the count', () => {
      const m = PerformanceMonitor.isolated();
      for (const v of [0.001, 0.02, 0.3, 4, 20]) m.recordOperation('x', v);
      const text = m.toPrometheus({ type: 'histogram', buckets: [0.01, 0.1, 1, 10] });
      expect(text).toContain('# TYPE autodev_operation_duration_seconds histogram');
      expect(text).toContain('autodev_operation_duration_seconds_bucket{operation="x",le="0.01"} 1\n');
      expect(text).toContain('autodev_operation_duration_seconds_bucket{operation="x",le="0.1"} 2\n');
      expect(text).toContain('autodev_operation_duration_seconds_bucket{operation="x",le="1"} 3\n');
      expect(text).toContain('autodev_operation_duration_seconds_bucket{operation="x",le="10"} 4\n');
      expect(text).toContain('autodev_operation_duration_seconds_bucket{operation="x",le="+Inf"} 5\n');
    });
  });

  describe('checkBudgets', () => {
    it('returns the breaches of average budgets and skips names without data', () => {
      const m = PerformanceMonitor.isolated();
      m.recordOperation('api_request', 1.5);
      m.recordOperation('database_query', 0.2);
      const breaches = m.checkBudgets({ api_request: 1.0, database_query: 0.5, cache_lookup: 0.01 });
      expect(breaches).toEqual([{ name: 'api_request', statistic: 'avg', actualSeconds: 1.5, budgetSeconds: 1, ratio: 1.5, count: 1 }]);
    });

    it('checks percentile limits too', () => {
      const m = PerformanceMonitor.isolated();
      for (let i = 0; i < 99; i++) m.recordOperation('x', 0.1);
      m.recordOperation('x', 10);
      expect(m.checkBudgets({ x: { avg: 1, max: 5 } }).map((b) => b.statistic)).toEqual(['max']);
    });

    it('rejects a negative or NaN budget', () => {
      const m = PerformanceMonitor.isolated();
      expect(() => m.checkBudgets({ x: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => m.checkBudgets({ x: { p95: Number.NaN } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });

    it('rejects a budget that is neither a number nor an object with INVALID_ARGUMENT (not a TypeError)', () => {
      const m = PerformanceMonitor.isolated();
      m.recordOperation('x', 1);
      for (const budget of [null, '1', [1]]) {
        expect(() => m.checkBudgets({ x: budget as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }
      expect(() => PerformanceMonitor.isolated(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });
});
