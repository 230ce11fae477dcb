import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricRecord } from '@autodev/learning';
import { MetricsServerError } from '../errors.js';

/** Limits of the live stream (see `MetricsServerOptions`). */
export interface EventHubLimits {
  heartbeatMs: number;
  maxSubscribers: number;
  maxBufferedBytes: number;
  /** Most events kept for `Last-Event-ID` replay. */
  replayEvents: number;
  /** Most bytes (serialized events) kept for replay. */
  replayBytes: number;
}

/** Where a subscriber asks to resume: the id it last received, and where it came from (for messages). */
export interface ResumeRequest {
  id: string;
  /** `Last-Event-ID header` or `lastEventId parameter`. */
  from: string;
}

/**
 * An event id: this hub's epoch (random, so ids of another process never match), a dash, and the event's sequence
 * number. Sequence numbers have at most 16 digits (they are checked as safe integers after parsing).
 */
const EVENT_ID = /^([0-9a-f]{12})-(0|[1-9][0-9]{0,15})$/;

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

/** One open stream: `next` is the sequence number of the next event it is owed. */
interface Subscriber {
  readonly res: ServerResponse;
  next: number;
}

/**
 * The newest events, contiguous and bounded by count and by bytes: `chunks[i]` is event `first + i`, and the last
 * chunk is the newest event published, unless that one alone was larger than `maxBytes` (then nothing is held).
 * Kept as Buffers: every subscriber is written the same Buffer, where a string would be encoded once per subscriber.
 */
class ReplayRing {
  #chunks: Buffer[] = [];
  #first = 1;
  #bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  get events(): number {
    return this.#chunks.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Whether an event would be kept at all (else publishing with nobody listening need not serialize it). */
  get keeps(): boolean {
    return this.maxEvents > 0 && this.maxBytes > 0;
  }

  /** Adds event `seq` (one more than the last). `chunk` undefined or too large: nothing before `seq + 1` is held. */
  push(seq: number, chunk: Buffer | undefined): void {
    if (chunk === undefined || chunk.length > this.maxBytes || this.maxEvents === 0) {
      // Older events alone cannot help anyone: a client resuming from them would still miss this one.
      this.#chunks = [];
      this.#bytes = 0;
      this.#first = seq + 1;
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#chunks.length > this.maxEvents || this.#bytes > this.maxBytes) {
      this.#bytes -= this.#chunks.shift()!.length;
      this.#first++;
    }
  }

  /** Event `seq`, or undefined when it is no longer held. */
  get(seq: number): Buffer | undefined {
    return seq >= this.#first ? this.#chunks[seq - this.#first] : undefined;
  }

  /** Whether every event after `seq` (up to the newest) is held. */
  holdsAfter(seq: number): boolean {
    return seq + 1 >= this.#first;
  }
}

/**
 * The Server-Sent Events fan-out of `GET /v1/events`. Each ingested batch becomes one `records` event with id
 * `<epoch>-<n>`: `n` counts events from 1 in this process, and the epoch is random per process, so an id from before
 * a restart is never taken for one of this process's.
 *
 * Every subscriber has a cursor (the next event it is owed) into a shared ring of the newest events. A stream is
 * written while its unsent output is under `maxBufferedBytes` (or Node does not ask to wait), then waits for
 * `drain`: memory per subscriber stays bounded by that limit plus one event, for live events and replay alike, and
 * a subscriber that resumes with a long backlog gets it at the pace it reads. One whose next event falls out of
 * the ring (it is more than `replayEvents` / `replayBytes` behind) is disconnected, never skipped: a skipped event
 * would be a silent gap in its charts, while a closed stream makes `EventSource` reconnect with `Last-Event-ID`,
 * and that is answered with a `reset` event (the dashboard reloads its data).
 *
 * Everything here is synchronous: a subscribe computes its cursor and joins the set in one turn of the event loop,
 * so no `publish` can fall between the two (no event is both replayed and sent live, none is skipped).
 */
export class EventHub {
  readonly #clients = new Set<Subscriber>();
  readonly #limits: EventHubLimits;
  readonly #ring: ReplayRing;
  readonly #epoch = randomBytes(6).toString('hex');
  #timer: NodeJS.Timeout | undefined;
  #seq = 0;
  #closed = false;
  /** Subscribers disconnected for being too slow, since start (for tests and monitoring). */
  slowDisconnects = 0;

  constructor(limits: EventHubLimits) {
    this.#limits = limits;
    this.#ring = new ReplayRing(limits.replayEvents, limits.replayBytes);
  }

  get size(): number {
    return this.#clients.size;
  }

  /** The id of the last `records` event published (`<epoch>-0` before the first). */
  get lastId(): string {
    return `${this.#epoch}-${this.#seq}`;
  }

  /** What the replay ring holds now (for tests and monitoring). */
  get replay(): { events: number; bytes: number } {
    return { events: this.#ring.events, bytes: this.#ring.bytes };
  }

  /**
   * Opens a stream on `res`. With `resume`, the events after that id are sent first (in order, then live ones);
   * when they are no longer all held, or the id is not one of this process's, a `reset` event says so instead.
   * @throws {MetricsServerError} TOO_MANY_SUBSCRIBERS; INVALID_EVENT_ID when `resume.id` is not an id of this
   * server's form (nothing is sent then, so the caller answers 400).
   */
  subscribe(req: IncomingMessage, res: ServerResponse, resume?: ResumeRequest): void {
    if (this.#clients.size >= this.#limits.maxSubscribers)
      throw new MetricsServerError('TOO_MANY_SUBSCRIBERS', `this server already streams to ${this.#limits.maxSubscribers} subscribers (maxSubscribers); close another dashboard or raise the limit`);
    const start = resume === undefined ? { next: this.#seq + 1 } : this.#resumePoint(resume);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies (nginx) buffer responses unless told otherwise, which would hold events back.
      'x-accel-buffering': 'no',
    });
    // HEAD gets the headers a stream would get, and no stream: nothing could be sent on it.
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (this.#closed) {
      // Shut down (a mounted `handler` still gets requests): end the stream at once, as closeAll() ended the
      // others, so it cannot hold the caller's server open. No `ready`: nothing will be pushed on it.
      res.end('retry: 2000\n\n');
      return;
    }
    const sub: Subscriber = { res, next: start.next };
    let head = 'retry: 2000\n';
    if (start.reset !== undefined) head += `event: reset\ndata: ${JSON.stringify(start.reset)}\n\n`;
    // `ready` tells the subscriber the stream is live: every event after its id reaches it, replayed or live. The id
    // moves the browser's Last-Event-ID there, so a drop before the next event resumes from here (after a reset, not
    // from the stale id again). `resumed`: the stream continues right after the id the client sent.
    const resumed = resume !== undefined && start.reset === undefined;
    head += `id: ${this.#epoch}-${sub.next - 1}\nevent: ready\ndata: ${JSON.stringify({ resumed })}\n\n`;
    res.write(head);
    this.#clients.add(sub);
    const drop = () => this.#remove(sub);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    res.on('drain', () => {
      if (this.#clients.has(sub)) this.#pump(sub);
    });
    this.#timer ??= setInterval(() => this.#heartbeat(), this.#limits.heartbeatMs).unref();
    this.#pump(sub);
  }

  publish(records: readonly MetricRecord[]): void {
    if (records.length === 0) return;
    const seq = ++this.#seq;
    // JSON.stringify never emits a raw newline (it escapes them), so the payload is one `data:` line. With nobody
    // to send it to and no ring to keep it in, it is not serialized at all (the id is still used up).
    const chunk =
      this.#clients.size > 0 || this.#ring.keeps ? Buffer.from(`id: ${this.#epoch}-${seq}\nevent: records\ndata: ${JSON.stringify(records)}\n\n`) : undefined;
    this.#ring.push(seq, chunk);
    for (const sub of [...this.#clients]) this.#pump(sub, chunk);
  }

  /** Ends every stream and every one opened later (server shutdown). */
  closeAll(): void {
    this.#closed = true;
    for (const sub of [...this.#clients]) {
      this.#remove(sub);
      sub.res.end();
    }
  }

  /** Where a stream that resumes from `resume.id` starts, and the `reset` it is told first when it cannot resume. */
  #resumePoint({ id, from }: ResumeRequest): { next: number; reset?: { reason: string; message: string } } {
    const match = EVENT_ID.exec(id);
    const seq = match ? Number(match[2]) : NaN;
    if (!match || !Number.isSafeInteger(seq))
      throw new MetricsServerError(
        'INVALID_EVENT_ID',
        `${from} ${JSON.stringify(id.slice(0, 100))} is not an event id of this server (they look like ${JSON.stringify(this.lastId)}); send the id of the last event received, or leave it out to start from now`,
      );
    const now = { next: this.#seq + 1 };
    if (match[1] !== this.#epoch || seq > this.#seq)
      return { ...now, reset: { reason: 'unknown', message: `${from} ${id} was not sent by this server process (it restarted, or the id is from another server): events may have been missed; reload` } };
    if (!this.#ring.holdsAfter(seq))
      return { ...now, reset: { reason: 'expired', message: `the events after ${id} are no longer held (replayEvents / replayBytes): events were missed; reload` } };
    return { next: seq + 1 };
  }

  /**
   * Writes `sub` the events it is owed, oldest first, until it is up to date or its output is backed up (then
   * `drain` calls this again). `newest` is the event just published, which the ring may be too small to hold.
   */
  #pump(sub: Subscriber, newest?: Buffer): void {
    const { res } = sub;
    while (sub.next <= this.#seq) {
      const chunk = sub.next === this.#seq && newest !== undefined ? newest : this.#ring.get(sub.next);
      if (chunk === undefined) {
        // More than the ring behind: it cannot be brought up to date, and a gap must not pass for a live stream.
        this.slowDisconnects++;
        this.#remove(sub);
        res.destroy();
        return;
      }
      // Past Node's high-water mark a `drain` is due (writableNeedDrain), so waiting for it cannot stall the stream.
      if (res.writableNeedDrain && res.writableLength > this.#limits.maxBufferedBytes) return;
      res.write(chunk);
      sub.next++;
    }
  }

  /**
   * A comment line keeps idle streams open through proxies. Streams with output still queued get none: they are not
   * idle, and a reader that stopped must not make their buffer grow.
   */
  #heartbeat(): void {
    for (const sub of this.#clients) if (sub.next > this.#seq && !sub.res.writableNeedDrain) sub.res.write(HEARTBEAT);
  }

  #remove(sub: Subscriber): void {
    this.#clients.delete(sub);
    if (this.#clients.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
