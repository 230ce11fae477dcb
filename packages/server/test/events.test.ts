// GET /v1/events: live records over Server-Sent Events, heartbeats, cleanup, limits and slow subscribers.
import { connect } from 'node:net';
import { createMemoryStore, LearningError, type MetricRecord, type MetricStore } from '@autodev/learning';
import { describe, expect, it, vi } from 'vitest';
import { createMetricsServer } from '../src/index.js';
import { call, mount, post, signal, start, subscribe } from './helpers.js';

const rec = (name: string, value: number, timestamp: number, metadata: Record<string, unknown> = {}) => ({ name, value, timestamp, metadata });

describe('GET /v1/events', () => {
  it('pushes every appended batch to every subscriber, and nothing for a rejected request', async () => {
    const { url, server } = await start();
    const a = await subscribe(url);
    const b = await subscribe(url);
    expect(a.status).toBe(200);
    expect(a.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await a.next((e) => e.event === 'ready');
    await b.next((e) => e.event === 'ready');
    expect(server.subscribers).toBe(2);

    expect((await post(url, [rec('m', 1, 1), { name: 'm', value: 'bad' }])).status).toBe(400);
    const batch = [rec('test_duration', 12.5, 1000, { branch: 'main' }), rec('<script>', 2, 1001)];
    expect((await post(url, batch)).status).toBe(200);
    expect((await post(url, '{"name":"nd","value":3,"timestamp":5}\n', { 'content-type': 'application/x-ndjson' })).status).toBe(200);

    for (const s of [a, b]) {
      const first = await s.next((e) => e.event === 'records');
      expect(JSON.parse(first.data) as MetricRecord[]).toEqual(batch);
      const second = await s.next((e) => e.event === 'records');
      expect(JSON.parse(second.data)).toEqual([rec('nd', 3, 5)]);
      // Ids are `<epoch>-<n>`: one epoch per server process, n one higher per event.
      const [epoch, n] = first.id!.split('-');
      expect(second.id).toBe(`${epoch}-${Number(n) + 1}`);
    }
    // The rejected request produced no event: only the two good ones arrived.
    expect(a.events.filter((e) => e.event === 'records')).toEqual([]);
    a.close();
    b.close();
  });

  it('pushes a batch only once the store has it: a batch the store refuses is never sent live', async () => {
    const inner = createMemoryStore();
    let refuse = true;
    const store: MetricStore = {
      ...inner,
      append: (records) => (refuse ? Promise.reject(new LearningError('STORE_IO', 'disk full')) : inner.append(records)),
    };
    const { url } = await start({ store, onError: () => {} });
    const s = await subscribe(url);
    await s.next((e) => e.event === 'ready');
    expect((await post(url, [rec('lost', 1, 1)])).status).toBe(500);
    refuse = false;
    expect((await post(url, [rec('kept', 2, 2)])).status).toBe(200);
    // Events arrive in order: had the refused batch been pushed, it would come first.
    expect(JSON.parse((await s.next((e) => e.event === 'records')).data)).toEqual([rec('kept', 2, 2)]);
    s.close();
  });

  it('GET /v1/records says which events its records were in (Autodev-Event-Id), waiting for appends still in flight', async () => {
    // The store holds a batch before its append resolves, and the event goes out only then: an answer sent at once
    // would return records whose event has a higher id than it could name, and a page would draw them twice.
    const inner = createMemoryStore();
    const { done: stored, fire: appended } = signal();
    const { done: finishing, fire: finish } = signal();
    let queried = () => {};
    const store: MetricStore = {
      ...inner,
      append: async (records) => {
        await inner.append(records);
        appended();
        await finishing;
      },
      query: async (q) => {
        const found = await inner.query(q);
        queried();
        return found;
      },
    };
    const { url } = await start({ store });
    const s = await subscribe(url);
    await s.next((e) => e.event === 'ready');
    const ready = await call(`${url}/v1/records`);
    expect(ready.headers.get('autodev-event-id')).toMatch(/^[0-9a-f]{12}-0$/);
    const epoch = ready.headers.get('autodev-event-id')!.split('-')[0]!;

    const posting = post(url, [rec('m', 1, 1)]);
    await stored;
    const read = new Promise<void>((r) => (queried = r));
    const reading = call(`${url}/v1/records`);
    await read; // the store returned the record; its event is not out yet
    await new Promise((r) => setImmediate(r)); // an answer that did not wait would be on its way now
    finish();
    const [answer] = await Promise.all([reading, posting]);
    expect(answer.body).toEqual({ records: [rec('m', 1, 1)] });
    const event = await s.next((e) => e.event === 'records');
    expect(answer.headers.get('autodev-event-id')).toBe(event.id);
    expect(event.id).toBe(`${epoch}-1`);
    s.close();
  });

  it('sends heartbeats and forgets a subscriber when it disconnects', async () => {
    const { url, server } = await start({ heartbeatMs: 20 });
    const s = await subscribe(url);
    await s.next((e) => e.event === 'ready');
    const beat = await s.next((e) => e.comment === 'heartbeat');
    expect(beat.event).toBe('');
    expect(server.subscribers).toBe(1);
    s.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0));
    // Appending with nobody listening is fine.
    expect((await post(url, [rec('m', 1, 1)])).status).toBe(200);
  });

  it('refuses subscribers beyond maxSubscribers with 503 TOO_MANY_SUBSCRIBERS', async () => {
    const { url } = await start({ maxSubscribers: 1 });
    const first = await subscribe(url);
    await first.next((e) => e.event === 'ready');
    const second = await call(`${url}/v1/events`);
    expect(second.status).toBe(503);
    expect(second.body.error.code).toBe('TOO_MANY_SUBSCRIBERS');
    first.close();
  });

  it('disconnects a subscriber that stops reading instead of buffering without bound', async () => {
    const { url, server } = await start({ maxBufferedBytes: 64 * 1024 });
    const { port } = new URL(url);
    // A raw client that sends the request and then never reads: the kernel buffers fill, then the server's.
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(`GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    socket.pause();
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    await vi.waitFor(() => expect(server.subscribers).toBe(1));
    const listener = await subscribe(url); // a healthy subscriber keeps receiving throughout
    await listener.next((e) => e.event === 'ready');
    const metadata = { pad: 'x'.repeat(2000) };
    const batch = Array.from({ length: 200 }, (_, i) => rec('m', i, i, metadata)); // ~400 KB per event
    let posts = 0;
    // Bounded: stops as soon as the slow subscriber is dropped (a few MB of events), at most 200 posts.
    while (server.subscribers > 1 && posts < 200) {
      expect((await post(url, batch)).status).toBe(200);
      await listener.next((e) => e.event === 'records');
      posts++;
    }
    expect(server.subscribers).toBe(1);
    socket.resume(); // let the client see the end of the stream the server cut
    await closed;
    listener.close();
  });

  it('after close(), a mounted handler ends new streams at once instead of holding them open', async () => {
    // With `handler` in a server the caller owns, requests keep arriving after close(); an open stream would
    // keep that server's close() waiting forever.
    const store = createMemoryStore();
    const metrics = createMetricsServer({ store });
    const own = await mount(metrics.handler);
    try {
      const url = own.url;
      await metrics.close();
      const s = await subscribe(url);
      expect(s.status).toBe(200);
      await vi.waitFor(() => expect(s.ended).toBe(true));
      expect(s.events.filter((e) => e.event === 'ready')).toEqual([]);
      expect(metrics.subscribers).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('close() ends every stream', async () => {
    const { url, server } = await start();
    const s = await subscribe(url);
    await s.next((e) => e.event === 'ready');
    await server.close();
    await vi.waitFor(() => expect(s.ended).toBe(true));
    expect(server.subscribers).toBe(0);
  });
});
