// The dashboard in a real browser (Debian's Chromium through playwright-core): a chart per metric, live updates
// through EventSource, the token's cookie login, and user-controlled strings rendered inert.
//
// When Chromium is missing and the run requires services (AUTODEV_REQUIRE_SERVICES=1, as .ci/run sets), this file
// FAILS, it does not skip: a skipped browser test in CI would let a broken dashboard land. .ci/run installs Chromium
// ("services" step); locally: `apt-get install -y chromium`. Elsewhere vitest.config.ts leaves the file out, with a
// warning, so the README's test command passes on a machine with only Node.js and npm.
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createMemoryStore, LearningError, type MetricStore } from '@autodev/learning';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsServer, type MetricsServer } from '../src/index.js';
import { mount, post, signal, start } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const T0 = Date.parse('2026-02-01T00:00:00Z');

let browser: Browser | undefined;
let missing: Error | undefined;
beforeAll(async () => {
  // Each test reports a missing browser itself, so the run counts them as failed, not as skipped.
  if (!existsSync(CHROMIUM))
    missing = new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH). CI's .ci/run installs it; this test fails instead of skipping so CI never passes without it.`);
  else browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
});

function chromiumOrFail(): Browser {
  if (!browser) throw missing ?? new Error('Chromium did not start');
  return browser;
}

/** A page that fails the test on script errors (a CSP violation of our own code shows up here too). */
async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await chromiumOrFail().newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.locator('#status[data-state="live"]').waitFor();
  return { page, errors };
}

/**
 * Holds the page's live `records` events while `window.__holdRecords` is true (until `window.__releaseRecords()`):
 * lets a test deliver an event after a load that already returned its records, as a slow stream would.
 */
const HOLD_RECORDS = `(() => {
  const Native = window.EventSource;
  const held = [];
  window.__holdRecords = true;
  window.__releaseRecords = () => { window.__holdRecords = false; held.splice(0).forEach((deliver) => deliver()); };
  window.EventSource = class extends Native {
    addEventListener(type, listener, options) {
      if (type !== 'records') return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (ev) => {
        if (window.__holdRecords) held.push(() => listener.call(this, ev)); else listener.call(this, ev);
      }, options);
    }
  };
})()`;

/**
 * A server in front of a collector's `handler` for the page: it can cut the page's event stream (a network blip),
 * hold its reconnect back until `release()` (so records are posted while it is away, whatever the timing), and swap
 * the collector behind it (a restart). It counts the page's `/v1/names` requests (one per full load) and records
 * the Last-Event-ID and query of each stream request; it refuses the next `refuse` stream requests with 503.
 */
async function front(first: MetricsServer) {
  const state = { target: first, names: 0, lastEventIds: [] as (string | undefined)[], queries: [] as string[], refuse: 0, hold: false, held: [] as (() => void)[] };
  const streams = new Set<ServerResponse>();
  const own = await mount((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/names') state.names++;
    if (path === '/v1/events') {
      state.lastEventIds.push(req.headers['last-event-id'] as string | undefined);
      state.queries.push((req.url ?? '').slice(path.length));
      if (state.refuse > 0) {
        state.refuse--;
        res.writeHead(503).end(); // EventSource gives up on a refused stream: the page must open a new one itself
        return;
      }
      streams.add(res);
      res.on('close', () => streams.delete(res));
      if (state.hold) {
        state.held.push(() => state.target.handler(req, res)); // the collector behind it at release time
        return;
      }
    }
    state.target.handler(req, res);
  });
  return {
    url: own.url,
    state,
    cut: () => {
      for (const res of streams) res.socket?.destroy();
    },
    release: () => {
      state.hold = false;
      for (const go of state.held.splice(0)) go();
    },
    close: own.close,
  };
}

const card = (page: Page, name: string) => page.locator('article.metric').filter({ has: page.locator('h2.metric-name', { hasText: name }) });

describe('dashboard in Chromium', () => {
  it('draws a chart per metric, lists insights, and updates live when records are appended over HTTP', async () => {
    const { url } = await start();
    const stable = Array.from({ length: 20 }, (_, i) => ({ name: 'test_duration', value: 10 + (i % 3) * 0.1, timestamp: T0 + i * 60_000 }));
    const jump = Array.from({ length: 5 }, (_, i) => ({ name: 'test_duration', value: 15 + (i % 2) * 0.1, timestamp: T0 + (20 + i) * 60_000 }));
    await post(url, [...stable, ...jump, { name: 'coverage_percent', value: 81, timestamp: T0, metadata: { branch: 'main' } }]);

    const { page, errors } = await open(url);
    const duration = card(page, 'test_duration');
    await duration.locator('.chart canvas').first().waitFor();
    await expect.poll(() => duration.getAttribute('data-points')).toBe('25');
    expect(await card(page, 'coverage_percent').locator('.meta').textContent()).toBe('branch=main');
    // Cards follow names() order.
    expect(await page.locator('h2.metric-name').allTextContents()).toEqual(['coverage_percent', 'test_duration']);
    // The engine's regression insight is listed.
    await page.locator('.insight[data-kind="regression"]').first().waitFor();

    // Live: a new point on an existing chart, and a new metric's card.
    expect((await post(url, [{ name: 'test_duration', value: 99.5, timestamp: T0 + 30 * 60_000 }])).status).toBe(200);
    await expect.poll(() => duration.getAttribute('data-latest')).toBe('99.5');
    expect(await duration.getAttribute('data-points')).toBe('26');
    expect(await duration.locator('.latest').textContent()).toBe('99.50');
    expect((await post(url, [{ name: 'build_time', value: 120, timestamp: T0 }])).status).toBe(200);
    await card(page, 'build_time').locator('.chart canvas').first().waitFor();
    expect(await page.locator('h2.metric-name').allTextContents()).toEqual(['build_time', 'coverage_percent', 'test_duration']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a metric with one point (or all at one time) gets an x-axis of an hour either side, not 1,000 days', async () => {
    // Before, uPlot widened a one-point range to 86400 / 1e-3 s before the page's range function saw it, so its
    // "min === max" case never ran: a new metric's chart showed an axis from Feb 2026 to Aug 2028.
    const { url } = await start();
    await post(url, [
      { name: 'one_point', value: 3, timestamp: T0 },
      { name: 'same_time', value: 1, timestamp: T0 },
      { name: 'same_time', value: 2, timestamp: T0 },
      { name: 'two_points', value: 1, timestamp: T0 },
      { name: 'two_points', value: 2, timestamp: T0 + 60_000 },
    ]);
    const page = await chromiumOrFail().newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Keeps every uPlot the page makes, to read its x scale (the axis itself is drawn on a canvas).
    await page.addInitScript(`(() => {
      let Real;
      window.__charts = [];
      Object.defineProperty(window, 'uPlot', {
        configurable: true,
        get: () => Real,
        set: (U) => { Real = function (opts, data, target) { const u = new U(opts, data, target); window.__charts.push(u); return u; }; },
      });
    })()`);
    await page.goto(url);
    await page.locator('#status[data-state="live"]').waitFor();
    for (const name of ['one_point', 'same_time', 'two_points']) await card(page, name).locator('.chart canvas').first().waitFor();
    const spans = () =>
      page.evaluate<Record<string, number>>(`Object.fromEntries(window.__charts.map((u) => [u.root.closest('article').dataset.metric, u.scales.x.max - u.scales.x.min]))`);
    expect(await spans()).toEqual({ one_point: 7200, same_time: 7200, two_points: 60 });
    // A live second point at another time: the axis follows the data again.
    await post(url, [{ name: 'one_point', value: 4, timestamp: T0 + 120_000 }]);
    await expect.poll(async () => (await spans()).one_point).toBe(120);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an error shown for one failed insights request goes away once insights load again (the stream never stopped)', async () => {
    // Before, the status kept saying "error: the store failed…" in red while the charts went on updating live.
    const inner = createMemoryStore();
    let failQueries = false;
    const store: MetricStore = {
      append: (records) => inner.append(records),
      query: (query) => (failQueries ? Promise.reject(new LearningError('STORE_IO', 'disk read failed (test)')) : inner.query(query)),
      names: () => inner.names(),
      close: () => inner.close(),
    };
    const { url } = await start({ store, onError: () => {}, insights: { maxAgeMs: 0 } });
    await post(url, [{ name: 'flaky', value: 1, timestamp: T0 }]);
    const { page, errors } = await open(url);
    await card(page, 'flaky').locator('.chart canvas').first().waitFor();
    failQueries = true;
    await post(url, [{ name: 'flaky', value: 2, timestamp: T0 + 1 }]);
    await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('error');
    expect(await page.locator('#status').textContent()).toMatch(/disk read failed/);
    failQueries = false;
    await post(url, [{ name: 'flaky', value: 3, timestamp: T0 + 2 }]);
    await expect.poll(() => card(page, 'flaky').getAttribute('data-latest')).toBe('3');
    await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#status').textContent()).toBe('live');
    expect(errors.filter((e) => !/500/.test(e))).toEqual([]);
    await page.close();
  });

  it('renders a metric named <script> and hostile metadata as text: nothing runs, no element is injected', async () => {
    const { url } = await start();
    const names = ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">'];
    const note = '<img src=x onerror="window.__pwned = 3"><b>bold</b>';
    await post(url, [{ name: names[0], value: 1, timestamp: T0, metadata: { note } }]);
    const { page, errors } = await open(url);
    await card(page, 'script').locator('.chart canvas').first().waitFor();
    // One more arrives live, through the event stream rather than the initial load.
    await post(url, [{ name: names[1], value: 2, timestamp: T0, metadata: { '<i>key</i>': note } }]);
    await expect.poll(() => page.locator('h2.metric-name').count()).toBe(2);

    expect(await page.locator('h2.metric-name').allTextContents()).toEqual([...names].sort());
    expect(await page.locator('article.metric .meta').allTextContents()).toEqual(expect.arrayContaining([`note=${note}`, `<i>key</i>=${note}`]));
    // A string, not a function: this package type-checks without the DOM library.
    const injected = await page.evaluate(`({
      pwned: window.__pwned,
      img: document.querySelectorAll('img').length,
      bold: document.querySelectorAll('main b, main i').length,
      scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
    })`);
    expect(injected).toEqual({ pwned: undefined, img: 0, bold: 0, scripts: ['assets/uPlot.iife.min.js', 'assets/dashboard.js'] });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a record once when its live event arrives after the load that already returned it', async () => {
    // The record is appended after the page subscribed (so its event comes) and before the page queries (so the
    // load returns it); the event reaches the page only after the load is drawn. Before, it was drawn twice.
    const inner = createMemoryStore();
    const { done: asked, fire: namesAsked } = signal();
    const { done: namesGate, fire: answerNames } = signal();
    const store: MetricStore = {
      ...inner,
      names: async () => {
        namesAsked();
        await namesGate;
        return inner.names();
      },
    };
    const { url } = await start({ store });
    await inner.append([{ name: 'm', value: 1, timestamp: T0, metadata: {} }]);
    const page = await chromiumOrFail().newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(HOLD_RECORDS);
    await page.goto(url);
    await asked; // subscribed, loading, waiting for the names
    expect((await post(url, [{ name: 'm', value: 2, timestamp: T0 + 1 }])).status).toBe(200);
    answerNames();
    const m = card(page, 'm');
    await expect.poll(() => m.getAttribute('data-points')).toBe('2');
    await page.evaluate('window.__releaseRecords()');
    // A later record is drawn: the held event was handled before it (one stream, in order), and dropped.
    expect((await post(url, [{ name: 'm', value: 3, timestamp: T0 + 2 }])).status).toBe(200);
    await expect.poll(() => m.getAttribute('data-latest')).toBe('3');
    expect(await m.getAttribute('data-points')).toBe('3');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a metric name with a lone surrogate (no URL can carry it) gets a note instead of another metric\'s records', async () => {
    // URLSearchParams turns an unpaired surrogate into U+FFFD: the page asked for "\ufffdbuild" and drew its records
    // on the card of "\ud800build".
    const { url } = await start();
    const lone = '\ud800build';
    const replaced = '\ufffdbuild';
    await post(url, [
      { name: lone, value: 1, timestamp: T0 },
      { name: lone, value: 2, timestamp: T0 + 1 },
      ...[7, 8, 9].map((value, i) => ({ name: replaced, value, timestamp: T0 + i })),
    ]);
    const { page, errors } = await open(url);
    // Computed in the page: a lone surrogate would not survive the trip through the DevTools protocol intact.
    const cards = () =>
      page.evaluate(`[...document.querySelectorAll('article.metric')].map((a) => ({
        lone: a.dataset.metric === '\\ud800build',
        points: a.dataset.points,
        note: a.querySelector('.note') ? a.querySelector('.note').textContent : '',
        noteShown: !!a.querySelector('.note') && !a.querySelector('.note').hidden,
      }))`);
    await expect.poll(async () => (await cards() as { points?: string }[]).map((c) => c.points)).toEqual(['0', '3']);
    const [loneCard, otherCard] = (await cards()) as { lone: boolean; points: string; note: string; noteShown: boolean }[];
    expect(loneCard).toMatchObject({ lone: true, points: '0', noteShown: true });
    expect(loneCard!.note).toMatch(/unpaired surrogate.*cannot travel in a URL.*POST \/v1\/query/);
    expect(otherCard).toMatchObject({ lone: false, points: '3', noteShown: false });
    // Live records of that metric still come (the event stream carries any string) and are drawn.
    await post(url, [{ name: lone, value: 5, timestamp: T0 + 10 }]);
    await expect.poll(async () => ((await cards()) as { points: string }[])[0]!.points).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('after a dropped stream the page resumes with Last-Event-ID: records posted meanwhile are drawn once, without a reload', async () => {
    const store = createMemoryStore();
    const metrics = createMetricsServer({ store });
    const via = await front(metrics);
    try {
      await post(via.url, [{ name: 'm', value: 1, timestamp: T0 }]);
      const { page, errors } = await open(via.url);
      const m = card(page, 'm');
      await expect.poll(() => m.getAttribute('data-points')).toBe('1');
      expect(via.state.names).toBe(1);
      const ready = via.state.lastEventIds.length;

      via.state.hold = true;
      via.cut();
      await expect.poll(() => via.state.held.length, { timeout: 15_000 }).toBe(1); // EventSource reconnected by itself (retry: 2000)
      expect(metrics.subscribers).toBe(0);
      await post(via.url, [{ name: 'm', value: 2, timestamp: T0 + 1 }]);
      await post(via.url, [{ name: 'm', value: 3, timestamp: T0 + 2 }, { name: 'n', value: 9, timestamp: T0 }]);
      via.release();

      await expect.poll(() => m.getAttribute('data-points')).toBe('3');
      expect(await m.getAttribute('data-latest')).toBe('3');
      await expect.poll(() => card(page, 'n').getAttribute('data-points')).toBe('1');
      const sent = via.state.lastEventIds[ready];
      expect(sent).toMatch(/^[0-9a-f]{12}-1$/); // the id of the last event it had: replayed from there
      expect(via.state.names).toBe(1); // no reload
      // Live events go on after the replay, each drawn once.
      await post(via.url, [{ name: 'm', value: 4, timestamp: T0 + 3 }]);
      await expect.poll(() => m.getAttribute('data-latest')).toBe('4');
      expect(await m.getAttribute('data-points')).toBe('4');
      expect(errors.filter((e) => !/ERR_CONNECTION|net::/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await metrics.close();
      await via.close();
    }
  });

  it('when a reconnect is refused, the page opens a new stream itself with ?lastEventId= and still resumes without a reload', async () => {
    const store = createMemoryStore();
    const metrics = createMetricsServer({ store });
    const via = await front(metrics);
    try {
      await post(via.url, [{ name: 'm', value: 1, timestamp: T0 }]);
      const { page, errors } = await open(via.url);
      const m = card(page, 'm');
      await expect.poll(() => m.getAttribute('data-points')).toBe('1');
      const first = via.state.queries.length;

      via.state.refuse = 1;
      via.state.hold = true;
      via.cut();
      // The browser's own reconnect is refused (503); 5 s later the page opens a new EventSource, which is held.
      await expect.poll(() => via.state.held.length, { timeout: 20_000 }).toBe(1);
      await post(via.url, [{ name: 'm', value: 2, timestamp: T0 + 1 }]);
      via.release();

      await expect.poll(() => m.getAttribute('data-points')).toBe('2');
      const byHand = via.state.queries.slice(first);
      expect(byHand).toHaveLength(2);
      expect(byHand[1]).toMatch(/^\?lastEventId=[0-9a-f]{12}-1$/); // a new EventSource cannot send the header
      expect(via.state.names).toBe(1);
      expect(errors.filter((e) => !/ERR_CONNECTION|net::|503/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await metrics.close();
      await via.close();
    }
  });

  it('after the collector restarted (its ids are unknown to the new one), the page is told to reset and reloads everything', async () => {
    const store = createMemoryStore();
    const before = createMetricsServer({ store });
    const via = await front(before);
    const after = createMetricsServer({ store });
    try {
      await post(via.url, [{ name: 'm', value: 1, timestamp: T0 }]);
      const { page, errors } = await open(via.url);
      const m = card(page, 'm');
      await expect.poll(() => m.getAttribute('data-points')).toBe('1');
      expect(via.state.names).toBe(1);

      via.state.hold = true;
      via.cut();
      await expect.poll(() => via.state.held.length, { timeout: 15_000 }).toBe(1);
      await before.close();
      via.state.target = after; // the restart: same store, new process, ids counted afresh under a new epoch
      await post(via.url, [{ name: 'm', value: 2, timestamp: T0 + 1 }]);
      await post(via.url, [{ name: 'm', value: 3, timestamp: T0 + 2 }]);
      via.release();

      await expect.poll(() => via.state.names).toBe(2); // reloaded
      await expect.poll(() => m.getAttribute('data-points')).toBe('3');
      expect(await m.getAttribute('data-latest')).toBe('3');
      await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
      await post(via.url, [{ name: 'm', value: 4, timestamp: T0 + 3 }]);
      await expect.poll(() => m.getAttribute('data-latest')).toBe('4');
      expect(await m.getAttribute('data-points')).toBe('4');
      expect(errors.filter((e) => !/ERR_CONNECTION|net::/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await before.close();
      await after.close();
      await via.close();
    }
  });

  it('with a token: /?token= logs the browser in with a cookie, and the page and its live stream work', async () => {
    const token = 'browser-session-token';
    const { url } = await start({ token });
    await post(url, [{ name: 'lint_errors', value: 3, timestamp: T0 }], { authorization: `Bearer ${token}` });

    // Without the token the page loads but says what to do.
    const anonymous = await chromiumOrFail().newPage();
    await anonymous.goto(url);
    await expect.poll(() => anonymous.locator('#status').textContent()).toMatch(/needs a token/);
    await anonymous.close();

    const { page, errors } = await open(`${url}/?token=${token}`);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    await card(page, 'lint_errors').locator('.chart canvas').first().waitFor();
    await post(url, [{ name: 'lint_errors', value: 0, timestamp: T0 + 1 }], { authorization: `Bearer ${token}` });
    await expect.poll(() => card(page, 'lint_errors').getAttribute('data-latest')).toBe('0');
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await page.close();
  });

  it('two collectors on one host (other ports, other tokens): logging in to the second keeps the first one\'s session', async () => {
    // Cookies are not per port. Before, both used one cookie name: the second login replaced the first cookie, and the
    // first dashboard got 401 ("needs a token") at its next request.
    const a = await start({ token: 'first-collector-token' });
    const b = await start({ token: 'second-collector-token' });
    await post(a.url, [{ name: 'on_a', value: 1, timestamp: T0 }], { authorization: 'Bearer first-collector-token' });
    await post(b.url, [{ name: 'on_b', value: 2, timestamp: T0 }], { authorization: 'Bearer second-collector-token' });
    const context = await chromiumOrFail().newContext();
    try {
      const pageA = await context.newPage();
      await pageA.goto(`${a.url}/?token=first-collector-token`);
      await card(pageA, 'on_a').locator('.chart canvas').first().waitFor();
      const pageB = await context.newPage();
      await pageB.goto(`${b.url}/?token=second-collector-token`);
      await card(pageB, 'on_b').locator('.chart canvas').first().waitFor();
      // The first dashboard still reads (a reload asks everything again), and both sessions are in the browser.
      expect(await pageA.evaluate<number>(`fetch('v1/names').then((r) => r.status)`)).toBe(200);
      await pageA.reload();
      await card(pageA, 'on_a').locator('.chart canvas').first().waitFor();
      expect(await pageA.locator('#status').getAttribute('data-state')).toBe('live');
      expect((await context.cookies()).filter((c) => c.name.startsWith('autodev_session'))).toHaveLength(2);
    } finally {
      await context.close();
    }
  });
});
