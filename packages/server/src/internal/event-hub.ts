import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricRecord } from '@autodev/learning';
import { MetricsServerError } from '../errors.js';

/** Limits of the live stream (see `MetricsServerOptions`). */
export interface EventHubLimits {
  heartbeatMs: number;
  maxSubscribers: number;
  maxBufferedBytes: number;
}

/**
 * The Server-Sent Events fan-out of `GET /v1/events`. Each ingested batch becomes one `records` event for
 * every subscriber. A subscriber whose unsent output passes `maxBufferedBytes` is disconnected, never
 * skipped: a skipped event would be a silent gap in its charts, while a closed stream makes `EventSource`
 * reconnect, and the dashboard reloads its data on every (re)connect. Memory per subscriber is therefore
 * bounded by `maxBufferedBytes` plus one event.
 */
export class EventHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #limits: EventHubLimits;
  #timer: NodeJS.Timeout | undefined;
  #id = 0;
  #closed = false;
  /** Subscribers disconnected for being too slow, since start (for tests and monitoring). */
  slowDisconnects = 0;

  constructor(limits: EventHubLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** The id of the last `records` event published (0 before the first). Ids increase by one per event. */
  get lastId(): number {
    return this.#id;
  }

  subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.#clients.size >= this.#limits.maxSubscribers)
      throw new MetricsServerError('TOO_MANY_SUBSCRIBERS', `this server already streams to ${this.#limits.maxSubscribers} subscribers (maxSubscribers); close another dashboard or raise the limit`);
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
    // `ready` tells the subscriber the stream is live: records appended from here on will reach it.
    res.write(`retry: 2000\nevent: ready\ndata: {}\n\n`);
    this.#clients.add(res);
    const drop = () => this.#remove(res);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    this.#timer ??= setInterval(() => this.#broadcast(': heartbeat\n\n'), this.#limits.heartbeatMs).unref();
  }

  publish(records: readonly MetricRecord[]): void {
    if (records.length === 0 || this.#clients.size === 0) return;
    // JSON.stringify never emits a raw newline (it escapes them), so the payload is one `data:` line.
    this.#broadcast(`id: ${++this.#id}\nevent: records\ndata: ${JSON.stringify(records)}\n\n`);
  }

  /** Ends every stream and every one opened later (server shutdown). */
  closeAll(): void {
    this.#closed = true;
    for (const res of [...this.#clients]) {
      this.#remove(res);
      res.end();
    }
  }

  #broadcast(chunk: string): void {
    for (const res of [...this.#clients]) {
      if (res.writableLength > this.#limits.maxBufferedBytes) {
        this.slowDisconnects++;
        this.#remove(res);
        res.destroy();
        continue;
      }
      res.write(chunk);
    }
  }

  #remove(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
