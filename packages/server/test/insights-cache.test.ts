// GET /v1/insights is computed once per state of the store as this server sees it: concurrent identical requests
// share one engine run, an append through the server makes the next request compute afresh, and a max-age bounds
// how long records appended to the store directly (by another process) stay unseen.
import { createMemoryStore, LearningInsight, type InsightRule, type MetricsTracker } from '@autodev/learning';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsServer, isMetricsServerError, type MetricsServerOptions } from '../src/index.js';
import { InsightCache } from '../src/internal/insight-cache.js';
import { call, post, start } from './helpers.js';

const T0 = Date.parse('2026-02-01T00:00:00Z');

/**
 * A custom rule that counts engine runs and reports how many points of `m` it saw. While `hold` is set, runs wait
 * for it: requests sent meanwhile are concurrent with the computation whatever the scheduling.
 */
function countingRule() {
  const counter: { runs: number; fail: boolean; hold?: Promise<void> } = { runs: 0, fail: false };
  const rule: InsightRule<MetricsTracker> = async (ctx) => {
    counter.runs++;
    await counter.hold;
    if (counter.fail) throw new Error('rule failed on purpose');
    const points = (await ctx.series('m')).length;
    return [new LearningInsight({ category: 'data', description: `${points} points`, confidence: 0.9, suggestedAction: 'none', metric: 'm' })];
  };
  return { counter, rule };
}

/** The server's handler in a server of ours, which tells when `n` requests have arrived. */
async function mount(options: Partial<MetricsServerOptions>) {
  const store = options.store ?? createMemoryStore();
  const metrics = createMetricsServer({ ...options, store });
  let arrived = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const finished: string[] = [];
  const own = createServer((req, res) => {
    arrived++;
    res.on('finish', () => finished.push(req.url!));
    // The handler asks the cache before it returns, so a waiter resumed after this sees the request inside it.
    metrics.handler(req, res);
    for (const w of waiters.filter((x) => x.n <= arrived)) w.resolve();
  });
  await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    await metrics.close();
    own.closeAllConnections();
    await new Promise((r) => own.close(r));
  });
  return {
    url: `http://127.0.0.1:${(own.address() as AddressInfo).port}`,
    store,
    /** Request targets in the order their answers were finished. */
    finished,
    /** Resolves once `n` more requests than now have arrived. */
    arrivals(n: number): Promise<void> {
      const target = arrived + n;
      return new Promise((resolve) => waiters.push({ n: target, resolve }));
    },
  };
}
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Sends `n` identical requests while the engine is held, so they are all concurrent with one computation. */
async function together<T>(server: Awaited<ReturnType<typeof mount>>, counter: { hold?: Promise<void> }, n: number, send: () => Promise<T>): Promise<T[]> {
  let release!: () => void;
  counter.hold = new Promise((r) => (release = r));
  const arrived = server.arrivals(n);
  const answers = Promise.all(Array.from({ length: n }, send));
  await arrived;
  release();
  counter.hold = undefined;
  return answers;
}

const seen = async (url: string, query = '') => {
  const res = await call(`${url}/v1/insights${query}`);
  expect(res.status).toBe(200);
  return (res.body.insights as { description: string }[]).find((i) => i.description.endsWith(' points'))?.description;
};

describe('GET /v1/insights cache', () => {
  it('runs the engine once for concurrent identical requests, reuses the answer until an append through the server', async () => {
    const { counter, rule } = countingRule();
    const server = await mount({ insights: { rules: [rule] } });
    const { url } = server;
    await post(url, [{ name: 'm', value: 1, timestamp: T0 }]);

    const answers = await together(server, counter, 10, () => seen(url));
    expect(answers).toEqual(Array(10).fill('1 points'));
    expect(counter.runs).toBe(1);
    expect(await seen(url)).toBe('1 points');
    expect(counter.runs).toBe(1);

    // An append through this server: the next request computes again and sees it.
    await post(url, [{ name: 'm', value: 2, timestamp: T0 + 1 }]);
    expect(await seen(url)).toBe('2 points');
    expect(counter.runs).toBe(2);
    // A rejected post changes nothing, so it does not cost a computation.
    expect((await post(url, [{ name: 'm', value: 'x' }])).status).toBe(400);
    expect(await seen(url)).toBe('2 points');
    expect(counter.runs).toBe(2);
  });

  it('computes each distinct request once: the names in any order or repeated are one request, minConfidence another', async () => {
    const { counter, rule } = countingRule();
    const { url } = await start({ insights: { rules: [rule] } });
    await post(url, [{ name: 'm', value: 1, timestamp: T0 }, { name: 'n', value: 1, timestamp: T0 }]);
    await seen(url, '?name=m&name=n');
    await seen(url, '?name=n&name=m&name=n');
    expect(counter.runs).toBe(1);
    await seen(url, '?name=m&name=n&minConfidence=0');
    await seen(url, '?name=m');
    expect(counter.runs).toBe(3);
  });

  it('records appended to the store directly show up once the answer is older than maxAgeMs (0: at once)', async () => {
    const { counter, rule } = countingRule();
    const { url, store } = await start({ insights: { rules: [rule] } });
    await post(url, [{ name: 'm', value: 1, timestamp: T0 }]);
    expect(await seen(url)).toBe('1 points');
    await store.append([{ name: 'm', value: 2, timestamp: T0 + 1, metadata: {} }]);
    // Within the default 5 s this server cannot know: the documented staleness.
    expect(await seen(url)).toBe('1 points');

    const { counter: c0, rule: r0 } = countingRule();
    const fresh = await mount({ insights: { rules: [r0], maxAgeMs: 0 } });
    await post(fresh.url, [{ name: 'm', value: 1, timestamp: T0 }]);
    expect(await seen(fresh.url)).toBe('1 points');
    await fresh.store.append([{ name: 'm', value: 2, timestamp: T0 + 1, metadata: {} }]);
    expect(await seen(fresh.url)).toBe('2 points');
    // maxAgeMs: 0 still shares one computation among requests that arrive together.
    const before = c0.runs;
    expect(await together(fresh, c0, 5, () => seen(fresh.url))).toEqual(Array(5).fill('2 points'));
    expect(c0.runs).toBe(before + 1);
    // ...and nothing more: the next request computes again.
    await seen(fresh.url);
    expect(c0.runs).toBe(before + 2);
    expect(counter.runs).toBe(1);
  });

  it('does not keep a failed computation: every waiting request gets the error, the next one computes again', async () => {
    const { counter, rule } = countingRule();
    const errors: unknown[] = [];
    const server = await mount({ insights: { rules: [rule] }, onError: (e) => errors.push(e) });
    const { url } = server;
    await post(url, [{ name: 'm', value: 1, timestamp: T0 }]);
    counter.fail = true;
    const failed = await together(server, counter, 3, () => call(`${url}/v1/insights`));
    expect(failed.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(counter.runs).toBe(1);
    counter.fail = false;
    expect(await seen(url)).toBe('1 points');
    expect(counter.runs).toBe(2);
    expect(errors.length).toBe(3);
  });

  it('answers other requests while the engine computes: it reads one metric at a time, with a turn of the event loop between', async () => {
    // Over a memory store every read resolved in a microtask, so the whole engine run (~100 ms for 50 metrics of
    // 2,000 points) held the event loop: a /v1/health sent meanwhile waited for all of it.
    const inner = createMemoryStore();
    await inner.append(Array.from({ length: 200 }, (_, i) => ({ name: `metric_${String(i).padStart(3, '0')}`, value: i, timestamp: T0, metadata: {} })));
    let health: Promise<unknown> | undefined;
    const server = await mount({
      store: {
        ...inner,
        query: (q) => {
          // The engine's first read: ask for /v1/health while it has 199 more to go.
          health ??= call(`${server.url}/v1/health`);
          return inner.query(q);
        },
      },
    });
    expect((await call(`${server.url}/v1/insights?minConfidence=0`)).status).toBe(200);
    expect(await health).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.finished).toEqual(['/v1/health', '/v1/insights?minConfidence=0']);
  });

  it('rejects a bad insights.maxAgeMs with INVALID_OPTIONS', () => {
    for (const maxAgeMs of [-1, 1.5, Number.NaN, '5000']) {
      try {
        createMetricsServer({ store: createMemoryStore(), insights: { maxAgeMs: maxAgeMs as number } });
        expect.unreachable(String(maxAgeMs));
      } catch (e) {
        expect(isMetricsServerError(e) && e.code).toBe('INVALID_OPTIONS');
        expect((e as Error).message).toMatch(/insights\.maxAgeMs/);
      }
    }
  });
});

describe('InsightCache', () => {
  const deferred = () => {
    let resolve!: (v: string) => void;
    const promise = new Promise<string>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('serves an answer until it is maxAgeMs old, counted from when its computation started', async () => {
    let now = 0;
    const cache = new InsightCache({ maxAgeMs: 1000, clock: () => now });
    let runs = 0;
    const compute = () => Promise.resolve(`answer ${++runs}`);
    expect(await cache.get('k', compute)).toBe('answer 1');
    now = 999;
    expect(await cache.get('k', compute)).toBe('answer 1');
    now = 1000;
    expect(await cache.get('k', compute)).toBe('answer 2');
  });

  it('after invalidate(), waiting requests keep the computation they joined, new ones start another', async () => {
    const cache = new InsightCache({ maxAgeMs: 60_000, clock: () => 0 });
    const first = deferred();
    const second = deferred();
    const a = cache.get('k', () => first.promise);
    const b = cache.get('k', () => Promise.resolve('not run: joins a'));
    cache.invalidate();
    const c = cache.get('k', () => second.promise);
    first.resolve('before the append');
    second.resolve('after the append');
    expect(await Promise.all([a, b, c])).toEqual(['before the append', 'before the append', 'after the append']);
    // The computation that started before the append does not come back into the cache when it settles.
    expect(await cache.get('k', () => Promise.resolve('recomputed'))).toBe('after the append');
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const cache = new InsightCache({ maxAgeMs: 60_000, maxEntries: 2, clock: () => 0 });
    let runs = 0;
    const compute = () => Promise.resolve(String(++runs));
    await cache.get('a', compute);
    await cache.get('b', compute);
    await cache.get('c', compute); // drops a
    expect(await cache.get('b', compute)).toBe('2');
    expect(await cache.get('a', compute)).toBe('4');
  });
});
