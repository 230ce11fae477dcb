import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/memory-store.js';
import { MetricsTracker } from '../../src/metrics-tracker.js';
import type { MetricStore } from '../../src/store.js';
import { FeedbackLoop } from '../../src/insights/feedback-loop.js';
import { LearningInsight } from '../../src/insights/learning-insight.js';
import { AutoOptimizer, OPTIMIZATION_METRIC, type OptimizationAction, type OptimizationResult } from '../../src/insights/optimizations.js';
import { noisy } from './helpers.js';

/** One clock for every test, so a "restarted" process goes on after the one before it. */
let clock = 1_700_000_000_000;

/** A loop on a MetricsTracker over `store` (pass the same store again to simulate a restart). */
function setup(store: MetricStore = createMemoryStore(), options: ConstructorParameters<typeof AutoOptimizer>[1] = {}) {
  const tracker = new MetricsTracker({ storage: store });
  const loop = new FeedbackLoop(tracker, { now: () => (clock += 60_000) });
  const optimizer = new AutoOptimizer(loop, { now: () => clock, ...options });
  return { store, tracker, loop, optimizer };
}

const insight = (metric: string | undefined, confidence: number, kind: 'regression' | 'budget-breach' | 'custom' = 'regression') =>
  new LearningInsight({ kind, category: 'performance', ...(metric === undefined ? {} : { metric }), confidence, description: `${metric ?? 'something'} got worse`, suggestedAction: 'fix it' });

/** An action that counts its applications and undos. */
function counting(id: string, handles: OptimizationAction['handles'], extra: Partial<OptimizationAction> = {}) {
  const calls = { applied: [] as LearningInsight[], undone: 0 };
  const action: OptimizationAction = {
    id,
    handles,
    apply: (i) => {
      calls.applied.push(i);
      return () => {
        calls.undone++;
      };
    },
    ...extra,
  };
  return { action, calls };
}

async function runs(loop: FeedbackLoop, metric: string, values: readonly number[]) {
  const out = [];
  for (const v of values) out.push(await loop.evaluateIteration({ [metric]: v }));
  return out;
}

describe('AutoOptimizer.applyOptimizations', () => {
  it('applies the first registered action that handles an insight at or above 0.8, and records it', async () => {
    const { tracker, loop, optimizer } = setup();
    const shard = counting('shard-tests', { kind: 'regression', metric: 'test_*' });
    const other = counting('other', { kind: 'regression' });
    optimizer.register(shard.action).register(other.action);
    await runs(loop, 'test_duration', noisy(12, 10, 0.01, 1));
    const r = await optimizer.applyOptimizations([insight('test_duration', 0.9), insight('test_duration', 0.79), insight('build_time', 0.5)]);
    expect(r).toEqual([{ status: 'applied', actionId: 'shard-tests', insightId: expect.stringMatching(/^regression:test_duration@\d+$/), metric: 'test_duration', applicationId: expect.any(String) }]);
    expect(shard.calls.applied.map((i) => i.confidence)).toEqual([0.9]);
    expect(other.calls.applied).toEqual([]);
    const [app] = await optimizer.history();
    expect(app).toMatchObject({ actionId: 'shard-tests', metric: 'test_duration', insightKind: 'regression', confidence: 0.9, status: 'applied' });
    expect(app!.levelBefore).toBeCloseTo(10, 0);
    expect(await tracker.getMetrics(OPTIMIZATION_METRIC)).toHaveLength(1);
  });

  it('names a loop insight by its finding id', async () => {
    const { loop, optimizer } = setup();
    const shard = counting('shard-tests', { kind: 'regression' });
    optimizer.register(shard.action);
    const rounds = await runs(loop, 'test_duration', [...noisy(30, 10, 0.02, 2), ...noisy(4, 13, 0.01, 3)]);
    const reg = rounds.flat().find((i) => i.kind === 'regression' && i.confidence >= 0.8)!;
    expect(typeof reg.evidence.findingId).toBe('string');
    const r = await optimizer.applyOptimizations([reg]);
    expect(r[0]).toMatchObject({ status: 'applied', insightId: reg.evidence.findingId });
    expect((await loop.history({ metric: 'test_duration' })).some((f) => f.id === reg.evidence.findingId)).toBe(true);
  });

  it('respects a custom threshold', async () => {
    const { optimizer } = setup(undefined, { threshold: 0.95 });
    const a = counting('a', { category: 'performance' });
    optimizer.register(a.action);
    expect(await optimizer.applyOptimizations([insight(undefined, 0.9, 'custom')])).toEqual([]);
    expect(await optimizer.applyOptimizations([insight(undefined, 0.95, 'custom')])).toMatchObject([{ status: 'applied', actionId: 'a', insightId: expect.stringMatching(/^custom:performance:[0-9a-f]{8}$/) }]);
  });

  it('dry run: calls nothing, records nothing, reports what it would do', async () => {
    const { tracker, loop, optimizer } = setup();
    const a = counting('a', { metric: ['test_duration', 'build_time'] });
    optimizer.register(a.action);
    await loop.evaluateIteration({ test_duration: 10, build_time: 100 });
    const r = await optimizer.applyOptimizations([insight('test_duration', 0.9), insight('build_time', 0.85, 'budget-breach')], { dryRun: true });
    expect(r.map((x) => [x.status, x.metric])).toEqual([['dry-run', 'test_duration'], ['dry-run', 'build_time']]);
    expect(a.calls.applied).toEqual([]);
    expect(await tracker.getMetrics(OPTIMIZATION_METRIC)).toEqual([]);
    expect(await optimizer.history()).toEqual([]);
    // The real run then does the same.
    expect((await optimizer.applyOptimizations([insight('test_duration', 0.9), insight('build_time', 0.85, 'budget-breach')])).map((x) => x.status)).toEqual(['applied', 'applied']);
  });

  it('cooldown: one application per metric per N runs of it, also within one call', async () => {
    const { loop, optimizer } = setup(undefined, { cooldownRuns: 5 });
    const a = counting('a', { metric: 'test_duration' });
    const b = counting('b', { metric: 'test_duration' });
    optimizer.register(a.action).register(b.action);
    await runs(loop, 'test_duration', [10]);
    const first = await optimizer.applyOptimizations([insight('test_duration', 0.9), insight('test_duration', 0.85, 'budget-breach')]);
    expect(first.map((x) => x.status)).toEqual(['applied', 'skipped']);
    expect(first[1]!.reason).toMatch(/already has an application in this call/);
    for (let k = 1; k < 5; k++) {
      await runs(loop, 'test_duration', [10]);
      const r = await optimizer.applyOptimizations([insight('test_duration', 0.9)]);
      expect(r).toMatchObject([{ status: 'skipped', reason: expect.stringMatching(new RegExp(`^cooldown: ${k} of 5 runs of test_duration`)) }]);
    }
    await runs(loop, 'test_duration', [10]);
    // Five runs later the first application is over (kept: no regression), and the metric may be touched again.
    expect(await optimizer.applyOptimizations([insight('test_duration', 0.9)])).toMatchObject([
      { status: 'kept', actionId: 'a' },
      { status: 'applied', actionId: 'a' },
    ]);
    expect(a.calls.applied).toHaveLength(2);
    expect(b.calls.applied).toHaveLength(0);
  });

  it('applies at most maxPerCall per call, most confident first', async () => {
    const { loop, optimizer } = setup(undefined, { maxPerCall: 2 });
    const a = counting('a', { kind: 'regression' });
    optimizer.register(a.action);
    await loop.evaluateIteration({ m1: 1, m2: 2, m3: 3 });
    const r = await optimizer.applyOptimizations([insight('m1', 0.81), insight('m2', 0.99), insight('m3', 0.9)]);
    expect(r.map((x) => [x.metric, x.status])).toEqual([['m2', 'applied'], ['m3', 'applied'], ['m1', 'skipped']]);
    expect(r[2]!.reason).toMatch(/maxPerCall/);
  });

  it('isolates a failing action: the error is recorded, the others are applied', async () => {
    const { tracker, loop, optimizer } = setup();
    const good = counting('good', { metric: 'build_time' });
    optimizer.register({ id: 'broken', handles: { metric: 'test_duration' }, apply: () => Promise.reject(new Error('shard API down')) }).register(good.action);
    await loop.evaluateIteration({ test_duration: 10, build_time: 100 });
    const r = await optimizer.applyOptimizations([insight('test_duration', 0.95), insight('build_time', 0.9)]);
    expect(r).toMatchObject([
      { status: 'failed', actionId: 'broken', reason: 'Error: shard API down' },
      { status: 'applied', actionId: 'good' },
    ]);
    expect(good.calls.applied).toHaveLength(1);
    expect(await optimizer.history({ status: 'failed' })).toMatchObject([{ actionId: 'broken', error: 'Error: shard API down' }]);
    expect((await tracker.getMetrics(OPTIMIZATION_METRIC)).map((x) => x.metadata.event)).toEqual(['failed', 'applied']);
  });
});

describe('AutoOptimizer judges what it applied with the feedback loop', () => {
  /**
   * test_duration steps from 10 to 12 at run 30; the regression is handed to an action that (wrongly) makes
   * it worse: while applied, runs are 3 higher. The loop raises and confirms a regression after it.
   */
  async function harmfulScenario(register: (o: AutoOptimizer, state: { applied: boolean }) => void) {
    const env = setup();
    const state = { applied: false };
    register(env.optimizer, state);
    const level = (i: number) => (i < 30 ? 10 : 12) + (state.applied ? 3 : 0);
    const results: OptimizationResult[] = [];
    for (let i = 0; i < 60; i++) {
      const insights = await env.loop.evaluateIteration({ test_duration: level(i) * (1 + 0.01 * Math.sin(i * 1.7)) });
      results.push(...(await env.optimizer.applyOptimizations(insights)));
    }
    return { ...env, results, state };
  }

  it('reverts an application when a regression of its metric is confirmed after it', async () => {
    const { optimizer, loop, results, state } = await harmfulScenario((o, s) =>
      o.register({
        id: 'bigger-batches',
        handles: { kind: 'regression', metric: 'test_duration' },
        apply: () => {
          s.applied = true;
          return () => {
            s.applied = false;
          };
        },
      }),
    );
    const applied = results.filter((r) => r.status === 'applied');
    expect(applied).toHaveLength(1);
    const reverted = results.filter((r) => r.status === 'reverted');
    expect(reverted).toHaveLength(1);
    expect(reverted[0]!.applicationId).toBe(applied[0]!.applicationId);
    expect(state.applied).toBe(false);
    const [app] = await optimizer.history();
    expect(app).toMatchObject({ status: 'reverted', revertedBecause: expect.any(String) });
    const cause = (await loop.history({ metric: 'test_duration' })).find((f) => f.id === app!.revertedBecause)!;
    expect(cause).toMatchObject({ kind: 'regression', outcome: 'confirmed', direction: 'increase' });
    expect(cause.raisedAt).toBeGreaterThan(app!.afterRun!);
    // A reverted action is not applied to that metric again.
    expect(results.some((r) => r.status === 'skipped' && /already reverted/.test(r.reason ?? ''))).toBe(true);
  });

  it('keeps an application whose metric did not get worse', async () => {
    const env = setup();
    const a = counting('cache-deps', { kind: 'regression', metric: 'test_duration' });
    env.optimizer.register(a.action);
    const results: OptimizationResult[] = [];
    for (let i = 0; i < 50; i++) {
      const insights = await env.loop.evaluateIteration({ test_duration: (i < 30 ? 10 : 12) * (1 + 0.01 * Math.sin(i * 1.7)) });
      results.push(...(await env.optimizer.applyOptimizations(insights)));
    }
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'kept')).toHaveLength(1);
    expect(a.calls.undone).toBe(0);
    expect(await env.optimizer.history()).toMatchObject([{ status: 'kept' }]);
  });

  it('a dry run reports the revert without undoing', async () => {
    const env = setup();
    const state = { applied: false, undone: 0 };
    env.optimizer.register({
      id: 'bigger-batches',
      handles: { kind: 'regression' },
      apply: () => {
        state.applied = true;
        return () => void state.undone++;
      },
    });
    let would: unknown;
    for (let i = 0; i < 60 && !would; i++) {
      const insights = await env.loop.evaluateIteration({ test_duration: ((i < 30 ? 10 : 12) + (state.applied ? 3 : 0)) * (1 + 0.01 * Math.sin(i * 1.7)) });
      // Applied for real once; after that only dry runs.
      if (!state.applied) await env.optimizer.applyOptimizations(insights);
      else would = (await env.optimizer.applyOptimizations(insights, { dryRun: true })).find((r) => r.status === 'would-revert');
    }
    expect(would).toMatchObject({ status: 'would-revert', actionId: 'bigger-batches' });
    expect(state.undone).toBe(0);
    expect(await env.optimizer.history()).toMatchObject([{ status: 'applied' }]);
  });
});

describe('AutoOptimizer survives a restart through the store', () => {
  it('a new optimizer on the same store sees the audit trail, honours the cooldown, and reverts with undo(application)', async () => {
    const first = setup();
    first.optimizer.register(counting('bigger-batches', { metric: 'test_duration' }).action);
    let applied = false;
    const level = (i: number) => ((i < 30 ? 10 : 12) + (applied ? 3 : 0)) * (1 + 0.01 * Math.sin(i * 1.7));
    let i = 0;
    for (; i < 34; i++) {
      const insights = await first.loop.evaluateIteration({ test_duration: level(i) });
      if ((await first.optimizer.applyOptimizations(insights)).some((r) => r.status === 'applied')) {
        applied = true;
        i++;
        break;
      }
    }
    expect(applied).toBe(true);
    const before = await first.optimizer.history();

    // Restart: new tracker, loop and optimizer over the same store; the undo function of the first process is gone.
    const second = setup(first.store);
    const undone: string[] = [];
    second.optimizer.register({
      id: 'bigger-batches',
      handles: { metric: 'test_duration' },
      apply: () => undefined,
      undo: (app) => {
        undone.push(app.id);
        applied = false;
      },
    });
    expect(await second.optimizer.history()).toEqual(before);
    // The cooldown carries over.
    expect(await second.optimizer.applyOptimizations([insight('test_duration', 0.99)])).toMatchObject([{ status: 'skipped', reason: expect.stringMatching(/^cooldown/) }]);
    // An optimizer in which the action is not registered leaves a due revert open instead of giving up.
    const bare = new AutoOptimizer(second.loop);
    const waiting: OptimizationResult[] = [];
    const results: OptimizationResult[] = [];
    for (; i < 60; i++) {
      const insights = await second.loop.evaluateIteration({ test_duration: level(i) });
      if (!results.some((r) => r.status === 'reverted')) waiting.push(...(await bare.applyOptimizations(insights)));
      results.push(...(await second.optimizer.applyOptimizations(insights)));
    }
    expect(waiting).toMatchObject([{ status: 'skipped', reason: expect.stringMatching(/register action "bigger-batches" \(with an undo\(application\)\) to revert it$/) }]);
    expect(results.filter((r) => r.status === 'reverted')).toHaveLength(1);
    expect(undone).toEqual([before[0]!.id]);
    // And a third process reads the revert.
    expect(await setup(first.store).optimizer.history()).toMatchObject([{ id: before[0]!.id, status: 'reverted' }]);
  });

  it('records revert-failed when nothing can undo the application', async () => {
    const env = setup();
    env.optimizer.register({ id: 'one-way', handles: { kind: 'regression' }, apply: () => undefined });
    let applied = false;
    const results: OptimizationResult[] = [];
    for (let i = 0; i < 60; i++) {
      const insights = await env.loop.evaluateIteration({ test_duration: ((i < 30 ? 10 : 12) + (applied ? 3 : 0)) * (1 + 0.01 * Math.sin(i * 1.7)) });
      const r = await env.optimizer.applyOptimizations(insights);
      if (r.some((x) => x.status === 'applied')) applied = true;
      results.push(...r);
    }
    expect(results.find((r) => r.status === 'revert-failed')?.reason).toMatch(/returned no undo function/);
    expect(await env.optimizer.history()).toMatchObject([{ status: 'revert-failed', error: expect.stringMatching(/no undo/) }]);
  });
});

describe('AutoOptimizer rejects bad registrations and options', () => {
  const ok: OptimizationAction = { id: 'x', handles: { kind: 'regression' }, apply: () => undefined };
  const code = expect.objectContaining({ code: 'INVALID_ARGUMENT' });

  it('names what to fix', () => {
    const { optimizer } = setup();
    expect(() => optimizer.register({ ...ok, id: '' })).toThrow(code);
    expect(() => optimizer.register({ ...ok, handles: {} })).toThrow(/at least one of kind, category or metric/);
    expect(() => optimizer.register({ ...ok, handles: { kind: 'regresion' as 'regression' } })).toThrow(/"regresion" is not an insight kind/);
    expect(() => optimizer.register({ ...ok, handles: { metrics: 'a' } as never })).toThrow(/handles.metrics is not a known field/);
    expect(() => optimizer.register({ ...ok, handles: { metric: [] } })).toThrow(/non-empty/);
    expect(() => optimizer.register({ ...ok, apply: 'shard' as never })).toThrow(/apply must be a function/);
    expect(() => optimizer.register({ ...ok, undo: 1 as never })).toThrow(/undo must be a function/);
    expect(() => optimizer.register(null as never)).toThrow(code);
    optimizer.register(ok);
    expect(() => optimizer.register(ok)).toThrow(/already registered/);
  });

  it('rejects bad options and input', async () => {
    const { loop, optimizer } = setup();
    expect(() => new AutoOptimizer(loop, { threshold: 80 })).toThrow(/use 0.8 for 80%/);
    expect(() => new AutoOptimizer(loop, { cooldownRuns: 0 })).toThrow(code);
    expect(() => new AutoOptimizer(loop, { maxPerCall: 1.5 })).toThrow(code);
    expect(() => new AutoOptimizer({} as never)).toThrow(code);
    await expect(optimizer.applyOptimizations('regression' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
