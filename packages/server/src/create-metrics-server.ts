import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  isLearningError,
  MetricsTracker,
  runInsightEngine,
  validateMetricName,
  validateRecord,
  type InsightRule,
  type LearningPolicy,
  type MetricRecord,
  type MetricStore,
  type Polarity,
  type PolarityRegistry,
} from '@autodev/learning';
import { HTTP_STATUS, isMetricsServerError, MetricsServerError, type ServerErrorCode } from './errors.js';
import { ASSETS } from './internal/assets.js';
import { allowedHostName, checkHost, checkToken, isLoopbackHost, isUsableToken, secretsEqual, sessionCookieName, sessionValue } from './internal/auth.js';
import { bodyFormat, parseJson, parseNdjson, readBody } from './internal/body.js';
import { answerClientError } from './internal/client-error.js';
import { DASHBOARD_CSP } from './internal/dashboard.js';
import { EventHub, type ResumeRequest } from './internal/event-hub.js';
import { checkParams, queryFromBody, queryFromParams } from './internal/query-params.js';
import { InsightCache } from './internal/insight-cache.js';
import { sendJson, sendJsonArray, sendJsonText } from './internal/respond.js';

/** Port `listen()` uses when none is given. */
export const DEFAULT_PORT = 8787;
/** How long an idle kept-alive connection stays open (65 s: beyond Node's and common clients' idle timeouts). */
const KEEP_ALIVE_MS = 65_000;
/** Default `maxBodyBytes`: 4 MiB, about 20,000 records with short metadata. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** How `GET /v1/insights` judges metrics: the same settings as `MetricsTracker`'s. */
export interface ServerInsightOptions {
  /** Budgets: the guide's `automation_policy.yaml` object or a parsed `LearningPolicy`. @default no budgets */
  policy?: LearningPolicy | Record<string, unknown>;
  /** Which direction of a metric is good, on top of the built-ins: `{ bundle_kb: 'lower' }`. @default the built-in registry */
  polarity?: Readonly<Record<string, Polarity>> | PolarityRegistry;
  /** Custom insight rules, run after the built-in ones. @default [] */
  rules?: readonly InsightRule<MetricsTracker>[];
  /** Insights below this confidence are left out unless the request asks for `minConfidence`. @default 0.5 */
  minConfidence?: number;
  /**
   * How long an answer is reused, in milliseconds. Every append through this server makes the next request compute
   * afresh, and identical requests that arrive together share one computation; this bounds how long records that
   * another process appended to the store directly (which this server does not see) stay out of the answers.
   * `0` computes every request that does not arrive while the same one is being computed. @default 5000
   */
  maxAgeMs?: number;
}

/** Default `sessionMaxAgeSeconds`: 30 days. */
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;
/** Browsers keep a cookie at most 400 days (RFC 6265bis); a longer Max-Age would not be honoured. */
const MAX_SESSION_AGE_SECONDS = 400 * 24 * 3600;

/** Default `insights.maxAgeMs`. */
export const DEFAULT_INSIGHTS_MAX_AGE_MS = 5000;

/** Default `replayEvents`: the newest 1,000 live events are kept for clients that reconnect with `Last-Event-ID`. */
export const DEFAULT_REPLAY_EVENTS = 1000;
/** Default `replayBytes`: at most 8 MiB of them (serialized), shared by all subscribers. */
export const DEFAULT_REPLAY_BYTES = 8 * 1024 * 1024;

/** Options of {@link createMetricsServer}. */
export interface MetricsServerOptions {
  /** Where records go and come from: any `MetricStore` (`openFileStore`, `openSqliteStore`, `createMemoryStore`...). The server never closes it. */
  store: MetricStore;
  /**
   * Shared secret. When set, every `/v1` request must send `Authorization: Bearer <token>` (compared in
   * constant time); a browser opens `/?token=<token>` once and gets a read-only session cookie.
   * Required to listen on anything but a loopback address.
   * @default none: no authentication, loopback `Host` names only
   */
  token?: string;
  /**
   * Mark the dashboard's session cookie `Secure` (browsers then send it over HTTPS only). Set it when browsers reach
   * the server through a TLS-terminating proxy: the server itself sees plain HTTP there and cannot tell.
   * @default Secure only when the connection itself is TLS (`handler` mounted in an `https` server)
   */
  secureCookie?: boolean;
  /**
   * How long the dashboard's session cookie lasts, in seconds: its `Max-Age`, and the server refuses it once it is
   * older (a copied cookie stops working too). At most 400 days, browsers' own cap. @default 2,592,000 (30 days)
   */
  sessionMaxAgeSeconds?: number;
  /** Largest accepted request body, in bytes; larger ones get 413 before they are read into memory. @default 4 MiB */
  maxBodyBytes?: number;
  /**
   * Host names (without port) the server answers to, checked against the `Host` header.
   * @default with a token: any; without one: localhost, 127.x.x.x and [::1] (guards against DNS rebinding)
   */
  allowedHosts?: readonly string[];
  /** A comment line on every event stream this often, so proxies and browsers keep it open. @default 15_000 */
  heartbeatMs?: number;
  /** Most concurrent `GET /v1/events` streams; more get 503. @default 100 */
  maxSubscribers?: number;
  /**
   * Unsent bytes a stream may queue; past that the server waits for the client to read before writing it more. Bounds
   * memory per subscriber (this plus one event). A stream that falls more than the replay ring behind
   * (`replayEvents` / `replayBytes`) is disconnected; its `EventSource` reconnects and is told to `reset`. @default 1 MiB
   */
  maxBufferedBytes?: number;
  /**
   * Most live events kept for replay: a client that reconnects with `Last-Event-ID` (a browser's `EventSource` does)
   * gets the events it missed, if they are all still kept; otherwise it gets a `reset` event. `0` keeps none.
   * @default 1000 (DEFAULT_REPLAY_EVENTS)
   */
  replayEvents?: number;
  /**
   * Most bytes of serialized events kept for replay (an event larger than this alone is not kept). Memory of the
   * ring is bounded by this, whatever the number of subscribers. @default 8 MiB (DEFAULT_REPLAY_BYTES)
   */
  replayBytes?: number;
  /** What `GET /v1/insights` uses to judge metrics. */
  insights?: ServerInsightOptions;
  /** Clock for records posted without a timestamp, in epoch milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Receives unexpected errors (answered with 500 `INTERNAL`) and store failures (`STORE_IO`, `STORE_CORRUPT`,
   * `STORE_VERSION`, answered with their code). If it throws, that goes to `console.error`. @default console.error
   */
  onError?: (error: unknown) => void;
}

/** Options of {@link MetricsServer.listen}. */
export interface ListenOptions {
  /** TCP port; `0` picks a free one (see the resolved URL). @default 8787 */
  port?: number;
  /** Interface to bind. Anything but a loopback address needs `token`. @default '127.0.0.1' */
  host?: string;
}

/** A metrics collector: the HTTP API, the live event stream and the dashboard. */
export interface MetricsServer {
  /**
   * The request listener, for `http.createServer(server.handler)` or to mount in an existing Node server
   * (`listen` uses it too). Mounted in a server on a public interface, it is open to anyone who can reach it unless
   * `token` is set: `listen()` refuses that case, a server you own cannot be checked, and the `Host` check of a
   * server without a token is no access control (any client can send `Host: localhost`; it only stops web pages
   * that rebind a domain to this machine).
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Starts an HTTP server on `host:port` and resolves to its base URL (`http://127.0.0.1:8787`).
   * @throws {MetricsServerError} INVALID_OPTIONS for a bad port or host, a non-loopback host without a token,
   * or a second `listen` (also while the first is binding); LISTEN_FAILED when the port cannot be bound (`cause`
   * holds the system error) or `close()` was called while it was binding (that server is stopped).
   */
  listen(options?: ListenOptions): Promise<string>;
  /** The base URL once `listen` resolved. */
  readonly url: string | undefined;
  /** Open `GET /v1/events` streams. */
  readonly subscribers: number;
  /**
   * Ends every event stream (and any requested afterwards through a mounted `handler`), stops the HTTP server
   * `listen` started, and resolves once no request is still using the store (so `store.close()` may follow).
   * Does not close the store. Idempotent.
   */
  close(): Promise<void>;
}

const RECORD_FIELDS = new Set(['name', 'value', 'timestamp', 'metadata']);

const optionError = (message: string) => new MetricsServerError('INVALID_OPTIONS', message);
const isWhole = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

function checkOptions(options: MetricsServerOptions): void {
  if (typeof options !== 'object' || options === null) throw optionError('createMetricsServer takes an options object such as { store }');
  const { store, token, maxBodyBytes, allowedHosts, heartbeatMs, maxSubscribers, maxBufferedBytes, replayEvents, replayBytes, now, onError, secureCookie, sessionMaxAgeSeconds } = options;
  for (const m of ['append', 'query', 'names', 'close'] as const) {
    if (typeof store !== 'object' || store === null || typeof store[m] !== 'function')
      throw optionError(`store must implement MetricStore (append, query, names, close); ${m}() is missing. Open one with openFileStore() or createMemoryStore()`);
  }
  if (token !== undefined && !isUsableToken(token))
    throw optionError(
      `token must be at least 8 visible ASCII characters, without spaces or characters such as "ä" that a header cannot carry the same way from every client${typeof token === 'string' && String(token).length < 8 ? ` (got ${String(token).length})` : ''}; generate one with \`openssl rand -hex 32\``,
    );
  if (secureCookie !== undefined && typeof secureCookie !== 'boolean') throw optionError(`secureCookie must be true or false, got ${String(secureCookie)}`);
  if (sessionMaxAgeSeconds !== undefined && !(isWhole(sessionMaxAgeSeconds, 1) && sessionMaxAgeSeconds <= MAX_SESSION_AGE_SECONDS))
    throw optionError(`sessionMaxAgeSeconds must be a whole number of seconds in 1..${MAX_SESSION_AGE_SECONDS} (400 days, browsers' cap), got ${String(sessionMaxAgeSeconds)}`);
  if (maxBodyBytes !== undefined && !isWhole(maxBodyBytes, 1)) throw optionError(`maxBodyBytes must be a whole number of bytes >= 1, got ${String(maxBodyBytes)}`);
  if (allowedHosts !== undefined && !(Array.isArray(allowedHosts) && allowedHosts.every((h) => typeof h === 'string' && h !== '')))
    throw optionError('allowedHosts must be an array of host names such as ["metrics.internal"]');
  const unmatchable = (allowedHosts as readonly string[] | undefined)?.find((h) => allowedHostName(h) === undefined);
  if (unmatchable !== undefined)
    throw optionError(`allowedHosts: ${JSON.stringify(unmatchable)} is not a host name; give names without a port or scheme, such as "metrics.internal", "10.0.0.5" or "[::1]"`);
  if (heartbeatMs !== undefined && !isWhole(heartbeatMs, 10)) throw optionError(`heartbeatMs must be a whole number >= 10, got ${String(heartbeatMs)}`);
  if (maxSubscribers !== undefined && !isWhole(maxSubscribers, 0)) throw optionError(`maxSubscribers must be a whole number >= 0, got ${String(maxSubscribers)}`);
  if (maxBufferedBytes !== undefined && !isWhole(maxBufferedBytes, 0)) throw optionError(`maxBufferedBytes must be a whole number >= 0, got ${String(maxBufferedBytes)}`);
  if (replayEvents !== undefined && !isWhole(replayEvents, 0)) throw optionError(`replayEvents must be a whole number of events >= 0 (0 keeps none), got ${String(replayEvents)}`);
  if (replayBytes !== undefined && !isWhole(replayBytes, 0)) throw optionError(`replayBytes must be a whole number of bytes >= 0 (0 keeps none), got ${String(replayBytes)}`);
  if (now !== undefined && typeof now !== 'function') throw optionError('now must be a function returning epoch milliseconds');
  if (onError !== undefined && typeof onError !== 'function') throw optionError('onError must be a function');
}

const allow = (methods: string) => new MetricsServerError('METHOD_NOT_ALLOWED', `use ${methods} on this endpoint`, { headers: { allow: methods } });

/**
 * Checks and cleans the posted records, all of them before any is stored. `where(i)` names item `i` in messages:
 * `records[i]` for a JSON array, its line for NDJSON (blank lines make the two differ).
 */
function cleanRecords(items: readonly unknown[], now: () => number, where: (i: number) => string = (i) => `records[${i}]`): MetricRecord[] {
  return items.map((item, i) => {
    if (Array.isArray(item))
      throw new MetricsServerError('INVALID_RECORD', `${where(i)}: a record must be an object such as {"name":"test_duration","value":12.5}, got an array; send one array of records, not arrays of arrays`);
    if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item))
        if (!RECORD_FIELDS.has(key))
          throw new MetricsServerError('INVALID_RECORD', `${where(i)}: unknown field ${JSON.stringify(key)}; a record has name, value, timestamp and metadata (put context such as tags in metadata)`);
    }
    try {
      return validateRecord(item as Parameters<typeof validateRecord>[0], now);
    } catch (e) {
      if (isLearningError(e)) throw new MetricsServerError('INVALID_RECORD', `${where(i)}: ${e.message}`);
      throw e;
    }
  });
}

/**
 * Creates a metrics collector over a store: a versioned JSON API to append and query records, insights
 * from `@autodev/learning`'s engine, a Server-Sent Events stream of every record it ingests, and a live
 * dashboard at `/`. Plain `node:http`, no framework. Call `listen()` to serve it, or mount `handler`.
 *
 * Only records that arrive through this server are pushed live; records another process appends to the
 * same store directly show up on the next load of the dashboard or query.
 * @throws {MetricsServerError} INVALID_OPTIONS when the store is not a MetricStore or an option is out of range.
 * @example
 * const store = await openFileStore({ path: '.autodev/metrics.jsonl' });
 * const server = createMetricsServer({ store, token: process.env.AUTODEV_TOKEN });
 * console.log(`dashboard: ${await server.listen({ port: 8787 })}`);
 * process.once('SIGINT', async () => { await server.close(); await store.close(); });
 */
export function createMetricsServer(options: MetricsServerOptions): MetricsServer {
  checkOptions(options);
  const { store, token, insights = {} } = options;
  // Compared with the Host header's name as hostName() gives it: lowercased, IPv6 in brackets.
  const allowedHosts = options.allowedHosts?.map((h) => allowedHostName(h)!);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((e: unknown) => console.error('@autodev/server: unexpected error', e));
  const hub = new EventHub({
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxSubscribers: options.maxSubscribers ?? 100,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    replayEvents: options.replayEvents ?? DEFAULT_REPLAY_EVENTS,
    replayBytes: options.replayBytes ?? DEFAULT_REPLAY_BYTES,
  });
  // The tracker only serves the insight engine; it validates policy, polarity and rules up front. Its reads give
  // the event loop a turn first: the engine reads one series per metric, so other requests are answered between
  // metrics instead of waiting for all of them (a memory store would otherwise answer in microtasks only).
  const yieldingStore: MetricStore = {
    append: (records) => store.append(records),
    query: async (query) => {
      await nextTurn();
      return store.query(query);
    },
    names: () => store.names(),
    close: () => store.close(),
  };
  let tracker: MetricsTracker;
  try {
    tracker = new MetricsTracker({ storage: yieldingStore, now, policy: insights.policy, polarity: insights.polarity, rules: insights.rules ?? [] });
  } catch (e) {
    throw optionError(`insights: ${(e as Error).message}`);
  }
  const defaultMinConfidence = insights.minConfidence ?? 0.5;
  if (typeof defaultMinConfidence !== 'number' || !(defaultMinConfidence >= 0 && defaultMinConfidence <= 1))
    throw optionError(`insights.minConfidence must be a number in [0, 1], got ${String(defaultMinConfidence)}`);
  const maxAgeMs = insights.maxAgeMs ?? DEFAULT_INSIGHTS_MAX_AGE_MS;
  if (!isWhole(maxAgeMs, 0)) throw optionError(`insights.maxAgeMs must be a whole number of milliseconds >= 0, got ${String(maxAgeMs)}`);
  const insightCache = new InsightCache({ maxAgeMs });
  const hostCheck = allowedHosts !== undefined || token === undefined;
  // Wall-clock time, not the `now` option: that one stamps records and may be fixed (tests, replays).
  const session = { maxAgeSeconds: options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS, now: () => Date.now() };

  /** Appends through this server whose `records` event is not published yet. */
  const appending = new Set<Promise<void>>();

  /**
   * `GET /v1/records`: the answer carries `Autodev-Event-Id`, the id of the last `records` event published before it,
   * such that every record in it that came through this server was in an event with that id or a lower one. A
   * record the store already returns may belong to an append whose event is not out yet (the store has it, the
   * append has not resolved), so the answer first waits for the appends in flight when the query returned: their
   * events then have ids at or below the header's. The dashboard uses it to know which live events its load
   * already holds, so that a record is drawn once (see its loadAll).
   */
  async function recordsAnswer(req: IncomingMessage, res: ServerResponse, records: MetricRecord[]): Promise<void> {
    if (appending.size > 0) await Promise.allSettled([...appending]);
    return sendJsonArray(req, res, 'records', records, { 'autodev-event-id': hub.lastId });
  }

  async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const format = bodyFormat(req, true);
    const text = await readBody(req, res, maxBodyBytes);
    let items: unknown[];
    let where: ((i: number) => string) | undefined;
    if (format === 'json') {
      const body = parseJson(text, 'the body');
      if (!Array.isArray(body))
        throw new MetricsServerError(
          'INVALID_BODY',
          `the body must be a JSON array of records such as [{"name":"test_duration","value":12.5}]${typeof body === 'object' && body !== null ? '; wrap a single record in [ ]' : ''}`,
        );
      items = body;
    } else {
      const parsed = parseNdjson(text);
      items = parsed.items;
      where = (i) => `line ${parsed.lines[i]} of the NDJSON body`;
    }
    const records = cleanRecords(items, now, where);
    if (records.length > 0) {
      // Tracked until its event is published, so a query answer can wait for it (see recordsAnswer).
      const appended = store.append(records).then(() => {
        insightCache.invalidate();
        hub.publish(records);
      });
      appending.add(appended);
      try {
        await appended;
      } finally {
        appending.delete(appended);
      }
    }
    sendJson(res, 200, { appended: records.length });
  }

  async function insightsOf(url: URL, res: ServerResponse): Promise<void> {
    checkParams(url.searchParams, ['name', 'minConfidence'], ['name']);
    const names = url.searchParams.getAll('name');
    // Checked here with learning's rule: the engine would throw on a bad name, and that would read as a server bug.
    for (const name of names) {
      try {
        validateMetricName(name);
      } catch (e) {
        if (isLearningError(e)) throw new MetricsServerError('INVALID_QUERY', `name: ${e.message}`);
        throw e;
      }
    }
    const raw = url.searchParams.get('minConfidence');
    const minConfidence = raw === null ? defaultMinConfidence : Number(raw);
    // A decimal number only: Number() also reads '0x1', '0b1' and ' 1 ' (as 1).
    if (raw !== null && (!/^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$|^\.\d+$/.test(raw) || !(minConfidence >= 0 && minConfidence <= 1)))
      throw new MetricsServerError('INVALID_QUERY', `minConfidence must be a number in [0, 1], got ${JSON.stringify(raw)}`);
    // The engine sorts and de-duplicates the names itself, so requests that differ only there have one answer.
    const key = JSON.stringify([minConfidence, [...new Set(names)].sort()]);
    const body = await insightCache.get(key, async () => {
      const found = await runInsightEngine(tracker, {
        minConfidence,
        ...(names.length > 0 ? { names } : {}),
        rules: insights.rules ?? [],
        policy: tracker.policy,
        polarity: tracker.polarity,
        now,
      });
      return JSON.stringify({ insights: found });
    });
    sendJsonText(res, 200, body);
  }

  /**
   * Where a `GET /v1/events` resumes: the `Last-Event-ID` header (what `EventSource` sends when it reconnects), else
   * the `lastEventId` parameter (for clients that cannot set headers, such as a new `EventSource`). The header wins:
   * an `EventSource` opened with the parameter keeps that URL on its own reconnects, and its header is the newer id.
   * An empty value means none, as an empty `id:` does in the SSE specification.
   */
  function resumeOf(req: IncomingMessage, url: URL): ResumeRequest | undefined {
    checkParams(url.searchParams, ['lastEventId']);
    const header = req.headers['last-event-id'];
    if (typeof header === 'string' && header !== '') return { id: header, from: 'Last-Event-ID header' };
    const param = url.searchParams.get('lastEventId');
    if (param !== null && param !== '') return { id: param, from: 'lastEventId parameter' };
    return undefined;
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (token !== undefined) checkToken(req, token, session);
    // HEAD is answered wherever GET is (RFC 9110 §9.1): the same handling, and Node sends no body for it.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    switch (url.pathname) {
      case '/v1/health':
        if (method !== 'GET') throw allow('GET, HEAD');
        checkParams(url.searchParams, []);
        return sendJson(res, 200, { ok: true });
      case '/v1/records':
        if (method === 'POST') return ingest(req, res);
        if (method !== 'GET') throw allow('GET, HEAD, POST');
        return recordsAnswer(req, res, await store.query(queryFromParams(url.searchParams)));
      case '/v1/query': {
        if (method !== 'POST') throw allow('POST');
        bodyFormat(req, false);
        const query = queryFromBody(parseJson(await readBody(req, res, maxBodyBytes), 'the body'));
        return sendJsonArray(req, res, 'records', await store.query(query));
      }
      case '/v1/names':
        if (method !== 'GET') throw allow('GET, HEAD');
        checkParams(url.searchParams, []);
        return sendJsonArray(req, res, 'names', await store.names());
      case '/v1/insights':
        if (method !== 'GET') throw allow('GET, HEAD');
        return insightsOf(url, res);
      case '/v1/events':
        if (method !== 'GET') throw allow('GET, HEAD');
        return hub.subscribe(req, res, resumeOf(req, url));
      default:
        throw new MetricsServerError('NOT_FOUND', `no endpoint ${url.pathname}; the API has /v1/records, /v1/query, /v1/names, /v1/insights, /v1/events and /v1/health`);
    }
  }

  async function dashboard(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const asset = ASSETS.get(url.pathname);
    if (!asset) throw new MetricsServerError('NOT_FOUND', `no page ${url.pathname}; the dashboard is at /`);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw allow('GET, HEAD');
    const given = url.pathname === '/' ? url.searchParams.get('token') : null;
    if (given !== null && token !== undefined) {
      if (!secretsEqual(given, token)) throw new MetricsServerError('UNAUTHORIZED', 'the token in the address is not the one this server was started with');
      // Trade the token in the address for a cookie and drop it from the address bar and history.
      const secure = (options.secureCookie ?? ('encrypted' in req.socket && req.socket.encrypted === true)) ? '; Secure' : '';
      const value = sessionValue(token, Math.floor(session.now() / 1000));
      res.writeHead(303, {
        location: './',
        'set-cookie': `${sessionCookieName(token)}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${session.maxAgeSeconds}${secure}`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    const { type, body } = await asset();
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-cache',
      ...(url.pathname === '/' ? { 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Hands an unexpected error to `onError`; a logger that throws must not turn a 500 into a crashed process. */
  function report(e: unknown): void {
    try {
      onError(e);
    } catch (thrown) {
      console.error('@autodev/server: onError threw while reporting an error', thrown, e);
    }
  }

  function fail(res: ServerResponse, req: IncomingMessage, e: unknown): void {
    // The client went away (mid-body, mid-stream): nobody to answer, and not a server bug to log.
    if (!res.socket || res.socket.destroyed) return;
    let err: MetricsServerError;
    if (isMetricsServerError(e)) err = e;
    else if (isLearningError(e) && e.code.startsWith('STORE_')) {
      // The client learns the store failed; the operator must too (a full disk, a corrupt file). A store closed
      // under the server is a shutdown in progress, not a fault to report.
      if (e.code !== 'STORE_CLOSED') report(e);
      err = new MetricsServerError(e.code as ServerErrorCode, `the store failed: ${e.message}`);
    } else {
      report(e);
      err = new MetricsServerError('INTERNAL', 'internal error; the server logged it');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = HTTP_STATUS[err.code as keyof typeof HTTP_STATUS] ?? 500;
    // A refused request whose body is still arriving (a 413, or a 401/415/405 before the body was read): close the
    // connection instead of letting Node read the rest to the end, which a client could make as long as it likes.
    const unread = err.code === 'PAYLOAD_TOO_LARGE' || !req.complete;
    const headers = unread ? { ...err.headers, connection: 'close' } : err.headers;
    sendJson(res, status, { error: { code: err.code, message: err.message } }, headers);
    if (unread) res.once('finish', () => req.destroy());
  }

  /** Requests being handled (an event stream only while it subscribes): close() waits for them. */
  const inFlight = new Set<Promise<void>>();

  /** The response being sent on each connection, so a parser error on it is not answered into the middle of it. */
  const responding = new WeakMap<object, ServerResponse>();

  /**
   * Responses whose headers may not be sent yet. When close() stops the server listen() started, they go out with
   * `Connection: close`: Node's server.close() closes only connections idle at that moment, so a keep-alive connection
   * whose request finished a moment later stayed open, idle, until the 2 s cut, and close() took those 2 s however
   * quickly the request had finished.
   */
  const unanswered = new Set<ServerResponse>();

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    responding.set(req.socket, res);
    if (server && closing) res.shouldKeepAlive = false; // a request that came on a kept-alive connection after close()
    unanswered.add(res);
    const done = () => {
      unanswered.delete(res);
      if (responding.get(req.socket) === res) responding.delete(req.socket);
    };
    res.once('finish', done);
    res.once('close', done);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const run = async () => {
      if (hostCheck) checkHost(req, allowedHosts);
      const target = req.url ?? '/';
      // Origin-form targets only ('/path?query'); '//x' must stay a path, not become a host.
      let url: URL;
      try {
        url = new URL(target.startsWith('/') ? `http://localhost${target}` : target, 'http://localhost');
      } catch {
        // Node's parser passes absolute-form targets such as 'http://[::1/x' that are not URLs: the client's mistake.
        throw new MetricsServerError('NOT_FOUND', `the request target ${JSON.stringify(target.slice(0, 200))} is not a URL; request a path such as /v1/records`);
      }
      if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) await api(req, res, url);
      else await dashboard(req, res, url);
    };
    const handled = run()
      .catch((e: unknown) => fail(res, req, e))
      // Answering the error failed too: cut the connection rather than leave a rejection unhandled (which exits Node).
      .catch((e: unknown) => {
        report(e);
        res.destroy();
      });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  };

  // Set as soon as listen() starts binding (not when it finishes), so a second listen() or a close() that
  // comes while the port is being bound sees it: neither may leave a server running that close() missed.
  let server: Server | undefined;
  let bound: Promise<void> | undefined;
  let url: string | undefined;
  let closing: Promise<void> | undefined;

  return {
    handler,
    get url() {
      return url;
    },
    get subscribers() {
      return hub.size;
    },
    async listen(listenOptions: ListenOptions = {}) {
      const { port = DEFAULT_PORT, host = '127.0.0.1' } = listenOptions;
      if (server || closing) throw optionError('this server already listens (or was closed); create another with createMetricsServer()');
      if (!isWhole(port, 0) || port > 65535) throw optionError(`port must be a whole number in 0..65535 (0 = any free port), got ${String(port)}`);
      if (typeof host !== 'string' || host === '') throw optionError('host must be an interface address such as "127.0.0.1"');
      if (token === undefined && !isLoopbackHost(host))
        throw optionError(`listening on ${host} without a token would let anyone who can reach it write metrics; pass token (and send it as "Authorization: Bearer <token>"), or listen on 127.0.0.1`);
      const s = createServer(handler);
      // Node's own parser errors (malformed request, headers too large, timeout) get the API's JSON error body.
      s.on('clientError', answerClientError(responding));
      // `Expect: 100-continue` is answered when the body is wanted (readBody), not by Node up front: a 401 or a 413
      // then reaches the client before it sends a body that would be thrown away.
      s.on('checkContinue', handler);
      // Node's clients drop an idle kept-alive connection after 5 s (http.globalAgent's timeout), and Node's server
      // by default after 5 s too: an agent appending about every 5 s could reuse a socket the server was closing
      // and get ECONNRESET. The server waits longer than any client, so the client always closes first.
      s.keepAliveTimeout = KEEP_ALIVE_MS;
      s.headersTimeout = KEEP_ALIVE_MS + 1000;
      server = s;
      bound = new Promise<void>((resolve, reject) => {
        const onListenError = (e: NodeJS.ErrnoException) =>
          reject(new MetricsServerError('LISTEN_FAILED', `could not listen on ${host}:${port}: ${e.code ?? e.message}${e.code === 'EADDRINUSE' ? ' (another process uses the port; pick another, or 0 for any free one)' : ''}`, { cause: e }));
        s.once('error', onListenError);
        s.listen(port, host, () => {
          // From here on a server error is not a failed listen(): report it instead of leaving it unheard.
          s.off('error', onListenError);
          s.on('error', report);
          resolve();
        });
      });
      try {
        await bound;
      } catch (e) {
        if (server === s) server = bound = undefined; // a failed bind may be retried (another port)
        throw e;
      }
      if (closing) throw new MetricsServerError('LISTEN_FAILED', `could not listen on ${host}:${port}: close() was called while the port was being bound`);
      const address = s.address() as AddressInfo;
      url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      return url;
    },
    close() {
      closing ??= (async () => {
        hub.closeAll();
        const s = server;
        // A listen() still binding finishes first; then its server is stopped like any other.
        if (s) await bound?.catch(() => undefined);
        if (s?.listening) {
          for (const res of unanswered) if (!res.headersSent) res.shouldKeepAlive = false;
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
            // A request still in flight gets a moment to finish; then its connection is cut.
            setTimeout(() => s.closeAllConnections(), 2000).unref();
          });
        }
        // A cut connection does not stop its handler: one may still be inside store.append. Wait for them all, so
        // that closing the store after close() never closes it under a request.
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      return closing;
    },
  };
}
