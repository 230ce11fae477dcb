// GET /v1/events with Last-Event-ID: the events a reconnecting client missed are replayed in order before live ones,
// without gaps or duplicates even while appends race with the reconnect; an id the server can no longer serve (too
// old, or from another server process) gets an explicit `reset`; a malformed one a 400; the ring stays bounded.
import { EventEmitter } from 'node:events';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createMemoryStore, type Metadata, type MetricRecord, type MetricStore } from '@autodev/learning';
import { describe, expect, it, vi } from 'vitest';
import { createMetricsServer, DEFAULT_REPLAY_BYTES, DEFAULT_REPLAY_EVENTS } from '../src/index.js';
import { EventHub } from '../src/internal/event-hub.js';
import { call, post, signal, start, subscribe, type SseEvent } from './helpers.js';

const rec = (name: string, value: number, timestamp: number, metadata: Metadata = {}): MetricRecord => ({ name, value, timestamp, metadata });
const seqOf = (id: string | undefined) => Number(id!.split('-')[1]);
const epochOf = (id: string | undefined) => id!.split('-')[0]!;
const isRecords = (e: SseEvent) => e.event === 'records';
const isReady = (e: SseEvent) => e.event === 'ready';

describe('Last-Event-ID replay', () => {
  it('replays the events missed while disconnected, in order, then live ones', async () => {
    const { url, server } = await start();
    const first = await subscribe(url);
    const ready = await first.next(isReady);
    expect(JSON.parse(ready.data)).toEqual({ resumed: false });
    expect(ready.id).toMatch(/^[0-9a-f]{12}-0$/); // where a reconnect before any event resumes from
    await post(url, [rec('m', 1, 1)]);
    const seen = await first.next(isRecords);
    first.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0));

    await post(url, [rec('m', 2, 2)]);
    await post(url, [rec('m', 3, 3), rec('m', 4, 4)]);
    const again = await subscribe(url, { 'last-event-id': seen.id! });
    const resumed = await again.next(isReady);
    expect(JSON.parse(resumed.data)).toEqual({ resumed: true });
    expect(resumed.id).toBe(seen.id);
    const missed = [await again.next(isRecords), await again.next(isRecords)];
    expect(missed.map((e) => seqOf(e.id))).toEqual([seqOf(seen.id) + 1, seqOf(seen.id) + 2]);
    expect(missed.map((e) => JSON.parse(e.data) as MetricRecord[])).toEqual([[rec('m', 2, 2)], [rec('m', 3, 3), rec('m', 4, 4)]]);
    await post(url, [rec('m', 5, 5)]);
    const live = await again.next(isRecords);
    expect(seqOf(live.id)).toBe(seqOf(seen.id) + 3);
    expect(JSON.parse(live.data)).toEqual([rec('m', 5, 5)]);
    expect(again.events.filter((e) => e.event === 'reset' || isRecords(e))).toEqual([]);
    again.close();
  });

  it('takes the id from a lastEventId parameter too (a new EventSource cannot set headers); the header wins over it', async () => {
    const { url, server } = await start();
    const s = await subscribe(url);
    const start0 = (await s.next(isReady)).id!;
    s.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0)); // gone before the next post (else close() waits 2 s)
    await post(url, [rec('a', 1, 1)]);
    await post(url, [rec('b', 2, 2)]);
    const byParam = await subscribe(url, {}, `?lastEventId=${encodeURIComponent(start0)}`);
    expect(JSON.parse((await byParam.next(isReady)).data)).toEqual({ resumed: true });
    expect(JSON.parse((await byParam.next(isRecords)).data)).toEqual([rec('a', 1, 1)]);
    expect(JSON.parse((await byParam.next(isRecords)).data)).toEqual([rec('b', 2, 2)]);
    byParam.close();
    // An EventSource opened with the parameter keeps that URL when it reconnects, and sends its newer id as the header.
    const both = await subscribe(url, { 'last-event-id': `${epochOf(start0)}-1` }, `?lastEventId=${encodeURIComponent(start0)}`);
    expect((await both.next(isReady)).id).toBe(`${epochOf(start0)}-1`);
    expect(JSON.parse((await both.next(isRecords)).data)).toEqual([rec('b', 2, 2)]);
    both.close();
  });

  it('an id older than the ring holds gets a reset (reason "expired"), then live events from a fresh position', async () => {
    const { url, server } = await start({ replayEvents: 2 });
    const s = await subscribe(url);
    const from = (await s.next(isReady)).id!;
    s.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0));
    for (let i = 1; i <= 5; i++) await post(url, [rec('m', i, i)]);

    const late = await subscribe(url, { 'last-event-id': from });
    const reset = await late.next((e) => e.event === 'reset');
    expect(JSON.parse(reset.data)).toMatchObject({ reason: 'expired', message: expect.stringMatching(/no longer held \(replayEvents \/ replayBytes\).*reload/) });
    const ready = await late.next(isReady);
    expect(JSON.parse(ready.data)).toEqual({ resumed: false });
    expect(ready.id).toBe(`${epochOf(from)}-5`); // the client's Last-Event-ID moves here: a drop now resumes, not resets again
    await post(url, [rec('m', 6, 6)]);
    const live = await late.next(isRecords);
    expect(seqOf(live.id)).toBe(6);
    expect(late.events.filter(isRecords)).toEqual([]); // nothing of the 5 missed ones pretends to be a replay
    late.close();

    // Within what the ring holds (the last 2 events), the same server replays.
    const recent = await subscribe(url, { 'last-event-id': `${epochOf(from)}-4` });
    expect(JSON.parse((await recent.next(isReady)).data)).toEqual({ resumed: true });
    expect([seqOf((await recent.next(isRecords)).id), seqOf((await recent.next(isRecords)).id)]).toEqual([5, 6]);
    recent.close();
  });

  it('an id of another server process (a restart) or one this server never sent gets a reset (reason "unknown")', async () => {
    const store = createMemoryStore();
    const before = await start({ store });
    await post(before.url, [rec('m', 1, 1)]);
    const old = (await call(`${before.url}/v1/records`)).headers.get('autodev-event-id')!;
    expect(seqOf(old)).toBe(1);
    await before.server.close();

    // Restarted over the same store: its ids start again from 1, under another epoch, so "1" is not mistaken for its own.
    const after = await start({ store });
    await post(after.url, [rec('m', 2, 2)]);
    const s = await subscribe(after.url, { 'last-event-id': old });
    const reset = await s.next((e) => e.event === 'reset');
    expect(JSON.parse(reset.data)).toMatchObject({ reason: 'unknown', message: expect.stringMatching(/not sent by this server process/) });
    const ready = await s.next(isReady);
    expect(epochOf(ready.id)).not.toBe(epochOf(old));
    expect(seqOf(ready.id)).toBe(1);
    s.close();

    const future = await subscribe(after.url, { 'last-event-id': `${epochOf(ready.id)}-99` });
    expect(JSON.parse((await future.next((e) => e.event === 'reset')).data)).toMatchObject({ reason: 'unknown' });
    future.close();
  });

  it('a malformed Last-Event-ID or lastEventId is refused with 400 INVALID_EVENT_ID saying what to send; an empty one means none', async () => {
    const { url } = await start();
    for (const bad of ['17', 'abc', 'ABCDEF012345-1', '0123456789ab-01', '0123456789ab--1', '0123456789ab-1.5', '0123456789ab-9007199254740993', '0123456789ab-99999999999999999']) {
      const res = await call(`${url}/v1/events`, { headers: { 'last-event-id': bad } });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('INVALID_EVENT_ID');
      expect(res.body.error.message).toMatch(/^Last-Event-ID header ".*" is not an event id of this server \(they look like "[0-9a-f]{12}-0"\); send the id of the last event received, or leave it out/);
    }
    const param = await call(`${url}/v1/events?lastEventId=nope`);
    expect(param.status).toBe(400);
    expect(param.body.error.message).toMatch(/^lastEventId parameter "nope" is not an event id/);
    const twice = await call(`${url}/v1/events?lastEventId=a&lastEventId=b`);
    expect(twice.body.error).toMatchObject({ code: 'INVALID_QUERY', message: expect.stringMatching(/"lastEventId" is given more than once/) });
    expect((await call(`${url}/v1/events?since=1`)).body.error.message).toMatch(/unknown query parameter "since"; use lastEventId/);

    // Empty, as an `id:` line without a value leaves it in the SSE specification: a fresh stream, no reset.
    const empty = await subscribe(url, { 'last-event-id': '' }, '?lastEventId=');
    expect(JSON.parse((await empty.next(isReady)).data)).toEqual({ resumed: false });
    expect(empty.events.filter((e) => e.event === 'reset')).toEqual([]);
    empty.close();
  });

  it('an event larger than replayBytes is sent live but not kept: resuming from before it is a reset', async () => {
    const { url, server } = await start({ replayBytes: 2000 });
    const live = await subscribe(url);
    const from = (await live.next(isReady)).id!;
    await post(url, [rec('small', 1, 1)]);
    const big = Array.from({ length: 40 }, (_, i) => rec('big', i, i, { pad: 'x'.repeat(50) }));
    await post(url, big);
    expect(JSON.parse((await live.next(isRecords)).data)).toEqual([rec('small', 1, 1)]);
    expect(JSON.parse((await live.next(isRecords)).data)).toEqual(big);
    live.close();
    const resumed = await subscribe(url, { 'last-event-id': from });
    expect(JSON.parse((await resumed.next((e) => e.event === 'reset')).data).reason).toBe('expired');
    resumed.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0)); // gone before the next post (else close() waits 2 s)
    // After the big event, the ring holds from there on again.
    await post(url, [rec('small', 2, 2)]);
    const after = await subscribe(url, { 'last-event-id': `${epochOf(from)}-2` });
    expect(JSON.parse((await after.next(isReady)).data)).toEqual({ resumed: true });
    expect(JSON.parse((await after.next(isRecords)).data)).toEqual([rec('small', 2, 2)]);
    after.close();
  });

  it('replayEvents: 0 keeps nothing: any missed event is a reset, an up-to-date id resumes', async () => {
    const { url, server } = await start({ replayEvents: 0 });
    await post(url, [rec('m', 1, 1)]);
    const s = await subscribe(url, { 'last-event-id': (await call(`${url}/v1/records`)).headers.get('autodev-event-id')! });
    expect(JSON.parse((await s.next(isReady)).data)).toEqual({ resumed: true });
    s.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0)); // gone before the next post (else close() waits 2 s)
    const id = (await call(`${url}/v1/records`)).headers.get('autodev-event-id')!;
    await post(url, [rec('m', 2, 2)]);
    const late = await subscribe(url, { 'last-event-id': id });
    expect(JSON.parse((await late.next((e) => e.event === 'reset')).data).reason).toBe('expired');
    late.close();
  });

  it('rejects bad replay options with INVALID_OPTIONS and documents its defaults', () => {
    const store = createMemoryStore();
    for (const bad of [{ replayEvents: -1 }, { replayEvents: 1.5 }, { replayBytes: -1 }, { replayBytes: '1' }]) {
      expect(() => createMetricsServer({ store, ...(bad as object) }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/^replay(Events|Bytes) must be a whole number/) }),
      );
    }
    expect([DEFAULT_REPLAY_EVENTS, DEFAULT_REPLAY_BYTES]).toEqual([1000, 8 * 1024 * 1024]);
  });
});

describe('Last-Event-ID replay under concurrency', () => {
  it('an append stored but not yet published when the client resumes reaches it once, live', async () => {
    // The store holds the batch while its append has not resolved: the event is not out, so it is neither in the
    // replay nor skipped; it comes live once the append completes.
    const inner = createMemoryStore();
    const { done: stored, fire: appended } = signal();
    const { done: finishing, fire: finish } = signal();
    let hold = false;
    const store: MetricStore = {
      ...inner,
      append: async (records) => {
        await inner.append(records);
        if (!hold) return;
        appended();
        await finishing;
      },
    };
    const { url, server } = await start({ store });
    const s = await subscribe(url);
    const from = (await s.next(isReady)).id!;
    s.close();
    await vi.waitFor(() => expect(server.subscribers).toBe(0)); // gone before the next post (else close() waits 2 s)
    await post(url, [rec('m', 1, 1)]);
    hold = true;
    const posting = post(url, [rec('m', 2, 2)]);
    await stored;
    const again = await subscribe(url, { 'last-event-id': from });
    expect(JSON.parse((await again.next(isReady)).data)).toEqual({ resumed: true });
    expect(JSON.parse((await again.next(isRecords)).data)).toEqual([rec('m', 1, 1)]);
    finish();
    expect((await posting).status).toBe(200);
    const second = await again.next(isRecords);
    expect(JSON.parse(second.data)).toEqual([rec('m', 2, 2)]);
    expect(seqOf(second.id)).toBe(2);
    hold = false;
    await post(url, [rec('m', 3, 3)]);
    expect(seqOf((await again.next(isRecords)).id)).toBe(3); // nothing in between: no duplicate of event 2
    again.close();
  });

  it('4 clients append in parallel while a reader keeps disconnecting and resuming: every event exactly once, in order', async () => {
    const { url } = await start();
    const CLIENTS = 4;
    const BATCHES = 30;
    const total = CLIENTS * BATCHES;
    const reader = await subscribe(url);
    let last = (await reader.next(isReady)).id!;
    reader.close();

    const posting = Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let b = 0; b < BATCHES; b++) expect((await post(url, [rec(`m${c}`, b, b, { id: `${c}/${b}` })])).status).toBe(200);
      }),
    );
    const received: SseEvent[] = [];
    let reconnects = 0;
    // Bounded: each round takes at least one event, and there are `total` of them.
    while (seqOf(last) < total) {
      const s = await subscribe(url, { 'last-event-id': last });
      reconnects++;
      const ready = await s.next(isReady);
      expect(JSON.parse(ready.data)).toEqual({ resumed: true });
      // Take 1 to 3 events, then drop the connection with whatever else is already on its way.
      for (let k = 0; k < 1 + (reconnects % 3) && seqOf(last) < total; k++) {
        const e = await s.next(isRecords);
        received.push(e);
        last = e.id!;
      }
      s.close();
    }
    await posting;
    expect(received.map((e) => seqOf(e.id))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const ids = received.flatMap((e) => (JSON.parse(e.data) as MetricRecord[]).map((r) => r.metadata.id as string));
    expect(ids.sort()).toEqual(Array.from({ length: CLIENTS }, (_, c) => Array.from({ length: BATCHES }, (__, b) => `${c}/${b}`)).flat().sort());
    expect(reconnects).toBeGreaterThan(total / 3);
  });

  it('a long backlog is replayed at the pace the client reads, not dropped as a slow subscriber; appends meanwhile follow it', async () => {
    const { url, server } = await start({ maxBufferedBytes: 16 * 1024 });
    const s = await subscribe(url);
    const from = (await s.next(isReady)).id!;
    s.close();
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 30; i++) await post(url, Array.from({ length: 100 }, (_, j) => rec('m', i, j, { pad }))); // ~100 KB each
    const u = new URL(url);
    // node:http so that reading can be paused: the backlog (3 MB) waits in the server instead of in this process.
    const { res, text } = await new Promise<{ res: IncomingMessage; text: () => string }>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/v1/events', headers: { 'last-event-id': from } }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (body += d));
        resolve({ res: r, text: () => body });
      });
      req.on('error', reject);
      req.end();
    });
    res.pause();
    await vi.waitFor(() => expect(server.subscribers).toBe(1));
    for (let i = 30; i < 35; i++) await post(url, [rec('m', i, 0)]);
    expect(server.subscribers).toBe(1); // still streaming: waiting for the reader, not cut off
    res.resume();
    await vi.waitFor(() => expect(text()).toContain(`id: ${epochOf(from)}-35\n`), { timeout: 30_000 });
    const ids = [...text().matchAll(/^id: (\S+)$/gm)].map((m) => seqOf(m[1]));
    expect(ids).toEqual([0, ...Array.from({ length: 35 }, (_, i) => i + 1)]); // the ready's id, then every event once
    res.destroy();
  });
});

/** Enough of a ServerResponse for the hub: it queues what is written until `flush()`, as a reader that stalls would. */
class StalledResponse extends EventEmitter {
  queued: Buffer[] = [];
  writableLength = 0;
  writableNeedDrain = false;
  readonly highWaterMark = 4096;
  writeHead(): this {
    return this;
  }
  write(chunk: string | Buffer): boolean {
    const b = Buffer.from(chunk);
    this.queued.push(b);
    this.writableLength += b.length;
    this.writableNeedDrain = this.writableLength >= this.highWaterMark;
    return !this.writableNeedDrain;
  }
  end(): void {}
  destroy(): void {
    this.emit('close');
  }
  flush(): string {
    const out = Buffer.concat(this.queued).toString();
    this.queued = [];
    this.writableLength = 0;
    const drain = this.writableNeedDrain;
    this.writableNeedDrain = false;
    if (drain) this.emit('drain');
    return out;
  }
}

describe('memory bounds', () => {
  const hubOf = (limits: Partial<ConstructorParameters<typeof EventHub>[0]> = {}) =>
    new EventHub({ heartbeatMs: 60_000, maxSubscribers: 10, maxBufferedBytes: 8192, replayEvents: 50, replayBytes: 10_000, ...limits });

  it('the replay ring never holds more than replayEvents events or replayBytes bytes', () => {
    const hub = hubOf();
    for (let i = 0; i < 2000; i++) {
      hub.publish([rec('m', i, i)]); // ~100 bytes each: the count binds
      expect(hub.replay.events).toBeLessThanOrEqual(50);
      expect(hub.replay.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(hub.replay.events).toBe(50);
    const pad = 'x'.repeat(900);
    for (let i = 0; i < 200; i++) {
      hub.publish([rec('m', i, i, { pad })]); // ~1 KB each: the bytes bind
      expect(hub.replay.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(hub.replay.events).toBeLessThan(11);
    hub.publish([rec('m', 0, 0, { pad: 'x'.repeat(20_000) })]); // larger than the ring: nothing older is useful either
    expect(hub.replay).toEqual({ events: 0, bytes: 0 });
    expect(hubOf({ replayEvents: 0 }).replay).toEqual({ events: 0, bytes: 0 });
  });

  it('a resumed subscriber that does not read holds at most maxBufferedBytes plus one event; it gets the rest once it reads', () => {
    const hub = hubOf({ replayEvents: 1000, replayBytes: 1024 * 1024 });
    const pad = 'x'.repeat(1000);
    for (let i = 1; i <= 100; i++) hub.publish([rec('m', i, i, { pad })]);
    const from = hub.lastId.replace(/-\d+$/, '-0');
    const req = Object.assign(new EventEmitter(), { method: 'GET' }) as unknown as IncomingMessage;
    const res = new StalledResponse();
    hub.subscribe(req, res as unknown as ServerResponse, { id: from, from: 'Last-Event-ID header' });
    const event = 1100; // about one event's bytes
    expect(res.writableLength).toBeLessThanOrEqual(8192 + event);
    for (let i = 101; i <= 110; i++) {
      hub.publish([rec('m', i, i, { pad })]);
      expect(res.writableLength).toBeLessThanOrEqual(8192 + event);
    }
    let text = '';
    for (let rounds = 0; rounds < 1000 && !text.includes(`${hub.lastId}\n`); rounds++) text += res.flush();
    expect([...text.matchAll(/^id: \S+-(\d+)$/gm)].map((m) => Number(m[1]))).toEqual([0, ...Array.from({ length: 110 }, (_, i) => i + 1)]);
    expect(hub.slowDisconnects).toBe(0);
    hub.closeAll();
  });

  it('a subscriber that falls more than the ring behind is disconnected (then its reconnect gets a reset), never skipped ahead', () => {
    const hub = hubOf({ replayEvents: 5 });
    const req = Object.assign(new EventEmitter(), { method: 'GET' }) as unknown as IncomingMessage;
    const res = new StalledResponse();
    hub.subscribe(req, res as unknown as ServerResponse);
    const pad = 'x'.repeat(3000);
    let closed = false;
    res.on('close', () => (closed = true));
    for (let i = 0; i < 20 && !closed; i++) hub.publish([rec('m', i, i, { pad })]);
    expect(closed).toBe(true);
    expect(hub.slowDisconnects).toBe(1);
    expect(hub.size).toBe(0);
  });
});
