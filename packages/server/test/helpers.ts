import { createServer, request, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, type MetricStore } from '@autodev/learning';
import { afterEach } from 'vitest';
import { createMetricsServer, type MetricsServer, type MetricsServerOptions } from '../src/index.js';

export interface Running {
  server: MetricsServer;
  store: MetricStore;
  url: string;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await r.store.close();
  }
});

/** A server on an ephemeral loopback port over a fresh memory store (or the given one), closed after the test. */
export async function start(options: Partial<MetricsServerOptions> = {}): Promise<Running> {
  const store = options.store ?? createMemoryStore();
  const server = createMetricsServer({ ...options, store });
  const url = await server.listen({ port: 0 });
  const r = { server, store, url };
  running.push(r);
  return r;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read error bodies loosely
  body: any;
}

/** fetch + JSON body. */
export async function call(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** POST a JSON (or any string) body to /v1/records. */
export function post(base: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return call(`${base}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A request with headers fetch will not let us set (Host). */
export function rawGet(base: string, path: string, headers: Record<string, string>): Promise<Omit<JsonResponse, 'headers'>> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One parsed Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
  comment?: string;
}

/**
 * A Server-Sent Events reader over fetch: `next(pred)` resolves with the next event matching `pred`
 * (comments come through as `{ event: '', comment }`). `search` is appended to the URL (`?lastEventId=…`).
 */
export async function subscribe(base: string, headers: Record<string, string> = {}, search = '') {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/events${search}`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  let ended = false;
  const deliver = (e: SseEvent) => {
    const w = waiters.findIndex((x) => x.pred(e));
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(e);
    else events.push(e);
  };
  const pump = async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const e: SseEvent = { event: '', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = line.slice(1).trim();
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data += line.slice(6);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
          }
          if (e.event === '' && e.comment === undefined) continue; // retry: line only
          deliver(e);
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
    }
  };
  void pump();
  return {
    status: res.status,
    res,
    get ended() {
      return ended;
    },
    /** Events received and not yet taken by `next`. */
    events,
    next(pred: (e: SseEvent) => boolean = () => true): Promise<SseEvent> {
      const i = events.findIndex(pred);
      if (i >= 0) return Promise.resolve(events.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close() {
      controller.abort();
    },
  };
}

/** A one-shot signal for ordering steps in a test: `await done` waits until `fire()` is called. */
export function signal(): { done: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const done = new Promise<void>((resolve) => (fire = resolve));
  return { done, fire };
}

/**
 * Mounts `handler` in a node:http server the test owns (as a user mounting `MetricsServer.handler` would), on an
 * ephemeral loopback port. `close()` drops its connections and stops it.
 */
export async function mount(handler: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const own = createServer(handler);
  await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(own.address() as AddressInfo).port}`,
    close: async () => {
      own.closeAllConnections();
      await new Promise((r) => own.close(r));
    },
  };
}
