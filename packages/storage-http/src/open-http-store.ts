import { constants } from 'node:buffer';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { assertStorableRecord, isLearningError, LearningError, validateQuery, validateRecord, type MetricQuery, type MetricRecord, type MetricRecordInput, type MetricStore } from '@autodev/learning';
import { HttpStoreError, type HttpStoreErrorCode } from './errors.js';
import { routeFor, type ProxyRoute } from './proxy.js';
import { exchange, TransportError, type Answer } from './transport.js';

/** Options of {@link openHttpStore}. */
export interface HttpStoreOptions {
  /** Base URL of an `@autodev/server` collector: `http://127.0.0.1:8787`, or `https://proxy/autodev/` behind a path. */
  url: string | URL;
  /** The collector's token, sent as `Authorization: Bearer <token>`. @default none */
  token?: string;
  /**
   * Longest wait for one request, answer body included, in milliseconds. A timed-out append may or may not
   * have been stored (the collector may have committed it just before), as with any networked database.
   * @default 30_000
   */
  timeoutMs?: number;
  /** Extra headers on every request (a proxy's own auth, a trace id). @default {} */
  headers?: Readonly<Record<string, string>>;
  /**
   * Largest answer the store reads, in bytes: a query for everything in a big store fails with
   * RESPONSE_TOO_LARGE instead of holding it all in memory. 256 MiB is about 1.8 million short records.
   * @default DEFAULT_MAX_RESPONSE_BYTES (256 MiB)
   */
  maxResponseBytes?: number;
  /**
   * The HTTP proxy to reach the collector through: a URL (`http://proxy.corp:3128`, `https://…` for TLS to the
   * proxy, credentials as `http://user:password@…`, percent-encoded), used for every request whatever NO_PROXY says;
   * or `false` to go direct whatever the environment says.
   * @default from the environment as curl reads it: `https_proxy` / `HTTPS_PROXY` for an https: collector,
   * `http_proxy` / `HTTP_PROXY` for an http: one, unless `no_proxy` / `NO_PROXY` names the collector's host
   */
  proxy?: string | URL | false;
}


/** Default `maxResponseBytes`: 256 MiB, far above a normal query, well below what a string can hold. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const OPTIONS = new Set(['url', 'token', 'timeoutMs', 'headers', 'maxResponseBytes', 'proxy']);

/** A `MetricStore` that lives in an `@autodev/server` collector. */
export interface HttpMetricStore extends MetricStore {
  /** The collector's base URL (normalized, with a trailing slash). */
  readonly url: string;
  /** The proxy requests go through, as its origin without credentials (`http://proxy.corp:3128`); undefined when direct. */
  readonly proxy: string | undefined;
}

const { MAX_STRING_LENGTH } = constants;
const MAX_TIMER_MS = 2 ** 31 - 1;

const invalid = (message: string) => new LearningError('INVALID_ARGUMENT', message);

function checkOptions(options: HttpStoreOptions): URL {
  if (typeof options !== 'object' || options === null) throw invalid('openHttpStore takes an options object such as { url: "http://127.0.0.1:8787" }');
  const { url, token, timeoutMs, headers, maxResponseBytes } = options;
  // A misspelt option would otherwise be ignored without a word (and there is no `fetch` option: see exchange()).
  for (const key of Object.keys(options))
    if (!OPTIONS.has(key)) throw invalid(`unknown option ${JSON.stringify(key)}; openHttpStore takes ${[...OPTIONS].join(', ')}`);
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw invalid(`url must be the collector's base URL such as "http://127.0.0.1:8787", got ${JSON.stringify(String(url))}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalid(`url must be http: or https:, got ${base.protocol}`);
  if (base.username || base.password) throw invalid('url must not hold credentials; pass the collector token as { token }');
  if (token !== undefined && (typeof token !== 'string' || token === '' || /\s/.test(token)))
    throw invalid('token must be a non-empty string without spaces or line breaks');
  if (token !== undefined && !sendable('authorization', `Bearer ${token}`)) throw invalid('token has a character headers cannot carry (a control character, or one above U+00FF)');
  // Node's timers fire at once beyond 2^31 - 1 ms (with only a warning): every request would time out.
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMER_MS))
    throw invalid(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (about 24 days), got ${String(timeoutMs)}`);
  // An answer is decoded into one string: beyond the longest string V8 can make, the limit could never be met.
  if (maxResponseBytes !== undefined && !(Number.isInteger(maxResponseBytes) && maxResponseBytes >= 1 && maxResponseBytes <= MAX_STRING_LENGTH))
    throw invalid(`maxResponseBytes must be a whole number of bytes from 1 to ${MAX_STRING_LENGTH}, got ${String(maxResponseBytes)}`);
  if (headers !== undefined && (typeof headers !== 'object' || headers === null)) throw invalid('headers must be an object of header names and values');
  if (headers !== undefined) checkHeaders(headers, token !== undefined);
  base.search = '';
  base.hash = '';
  // Endpoints resolve relative to the base, so a collector mounted under a path keeps that path.
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/**
 * What a 3xx says. Redirects are never followed: a 301/302/303 turns a POST into a GET (which the collector
 * answers with its records: an append that "succeeds" with nothing stored), and the token would go to
 * wherever the redirect points. The target is shown without credentials or query (it may hold a proxy's
 * secrets) and, when it is the same endpoint elsewhere, with the base URL to use instead.
 */
function redirectMessage(method: string, base: string, path: string, status: number, location: string | undefined): string {
  const target = new URL(path, base);
  let to: URL | undefined;
  try {
    to = location === undefined ? undefined : new URL(location, target);
  } catch {
    to = undefined;
  }
  const head = `${method} ${target.href} answered ${status}`;
  const why = 'redirects are not followed (a 301, 302 or 303 would turn an append into a GET that stores nothing, and the token would go along)';
  if (to === undefined || (to.protocol !== 'http:' && to.protocol !== 'https:'))
    return `${head}, a redirect${location === undefined ? ' without a Location' : ''}; ${why}: use the collector's own address as its URL`;
  const elsewhere = to.pathname.endsWith(`/${path}`) ? `${to.origin}${to.pathname.slice(0, -path.length)}` : undefined;
  const fix = elsewhere !== undefined && elsewhere !== base ? `use ${elsewhere} as the collector URL` : "use the collector's own address as its URL";
  return `${head}, a redirect to ${to.origin}${to.pathname}; ${why}: ${fix}`;
}

/** validateRecord's `now` for answers: a stored record has a timestamp, and inventing one would be wrong. */
const missingTimestamp = (): number => {
  throw new LearningError('INVALID_RECORD', 'timestamp is missing');
};

/** What is wrong with a 2xx answer ("without a \"records\" array"); `send` turns it into BAD_RESPONSE. */
class Refusal {
  constructor(readonly what: string) {}
}
const refuse = (what: string) => new Refusal(`${what}; is this an @autodev/server collector?`);

const sendable = (name: string, value: string): boolean => {
  try {
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
};

/** Headers the store frames the body with: one given here would contradict them. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding']);

/**
 * Checks extra headers once, at open, with Node's own rules: a value with a line break would otherwise fail
 * every request deep in node:http. Values are never echoed: a proxy's credentials travel in them.
 */
function checkHeaders(headers: Readonly<Record<string, unknown>>, hasToken: boolean): void {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
    } catch {
      throw invalid(`header name ${JSON.stringify(name)} is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    }
    const lower = name.toLowerCase();
    if (typeof value !== 'string') throw invalid(`header "${lower}" must be a string, got ${value === null ? 'null' : typeof value}`);
    if (!sendable(name, value))
      throw invalid(`header "${lower}" has a line break or another character headers cannot carry; remove it (a secret saved with a trailing newline?)`);
    if (OWN_HEADERS.has(lower)) throw invalid(`header "${lower}" is set by the store; leave it out of headers`);
    if (lower === 'authorization' && hasToken) throw invalid('pass either a token or an "authorization" header, not both: the token is sent as "authorization: Bearer <token>"');
  }
}

/**
 * What a proxy's failure means and what to change. `status` is the proxy's answer (undefined: it was not reached).
 * Only the proxy's origin is shown, never its credentials.
 */
function proxyMessage(route: ProxyRoute, target: URL, status: number | undefined, reason: string): string {
  const via = `the proxy ${route.label} (from ${route.source})`;
  const bypass = route.source === 'the proxy option' ? 'pass proxy: false' : `add ${target.hostname} to NO_PROXY`;
  if (status === undefined)
    return `could not reach ${via}: ${reason}; check the proxy's address, or, if the collector is reachable without it, ${bypass}`;
  if (status === 407)
    return route.hasCredentials
      ? `${via} answered 407: it refused the credentials in the proxy URL; check the user and password (percent-encoded)`
      : `${via} answered 407: it requires authentication; put its credentials in the proxy URL (${route.label.replace('://', '://user:password@')}, percent-encoded)`;
  if (status === 502 || status === 503 || status === 504)
    return `${via} answered ${status}: it could not reach the collector at ${target.host}; check the collector URL, or, if this machine reaches the collector directly, ${bypass}`;
  return `${via} refused the request to ${target.host} with ${reason}: its rules may not allow that host or port; ask its administrators, or, if this machine reaches the collector directly, ${bypass}`;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/**
 * Opens a store that sends appends and queries to an `@autodev/server` collector over HTTP (`node:http` /
 * `node:https`, see {@link exchange}), so CI agents on many machines can record into one store. It first asks `GET /v1/health`, so a
 * wrong URL or token fails here and not at the first append.
 *
 * Every `append` is one `POST /v1/records`: all or nothing, stored when it resolves, validated again by the
 * collector. `query` is a `POST /v1/query`. Requests are not retried: a failed append would be duplicated by a
 * retry if the collector had stored it before the connection broke.
 * @throws {LearningError} INVALID_ARGUMENT for bad options; STORE_IO when the collector cannot be reached or
 * refuses or answers oddly (its `cause` is an {@link HttpStoreError}: TIMEOUT, NETWORK, UNAUTHORIZED, HTTP_STATUS
 * for any other non-2xx including a redirect, BAD_RESPONSE, RESPONSE_TOO_LARGE, PROXY when the proxy cannot be
 * reached or refuses).
 *
 * Behind a corporate proxy it goes through the one the `proxy` option or the environment names (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY, as curl reads them): CONNECT tunnels for an https: collector, absolute-URI requests for an
 * http: one (`https-proxy-agent` / `http-proxy-agent`). Redirects are still not followed.
 * @example
 * const storage = await openHttpStore({ url: 'https://metrics.internal', token: process.env.AUTODEV_TOKEN });
 * const tracker = new MetricsTracker({ storage });
 * await tracker.recordMetric('test_duration', 12.5, { branch: 'main' });
 */
export function openHttpStore(options: HttpStoreOptions): Promise<HttpMetricStore> {
  return openHttpStoreIn(options, process.env);
}

/** {@link openHttpStore} reading the proxy variables from `env` (openStore passes its own). */
export async function openHttpStoreIn(options: HttpStoreOptions, env: Readonly<Record<string, string | undefined>>): Promise<HttpMetricStore> {
  const base = checkOptions(options);
  const route = routeFor(base, options.proxy, env);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // Names in lower case, so that a caller's "Accept" replaces ours instead of going out next to it.
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const where = base.href;
  let closed = false;
  const pending = new Set<Promise<unknown>>();

  const fail = (code: HttpStoreErrorCode, message: string, details: ConstructorParameters<typeof HttpStoreError>[2], cause?: unknown) =>
    new LearningError('STORE_IO', `collector ${where}: ${message}`, { cause: new HttpStoreError(code, message, details, cause === undefined ? undefined : { cause }) });

  /**
   * Sends one request and returns what `read` makes of its 2xx JSON answer. `read` returns `undefined` for an
   * answer that is not what the endpoint promises (with `what` said about it), so every such answer becomes
   * one BAD_RESPONSE naming the request it came from.
   */
  async function send<T>(method: 'GET' | 'POST', path: string, body: string | undefined, read: (json: unknown) => T | Refusal): Promise<T> {
    const target = new URL(path, base);
    const url = target.href;
    const details = { method, url, ...(route ? { proxy: route.label } : {}) };
    let res: Answer;
    try {
      res = await exchange({
        method,
        url: target,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body,
        timeoutMs,
        maxResponseBytes,
        ...(route ? { agent: route.agent } : {}),
      });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      if (e.code === 'PROXY' && route)
        throw fail('PROXY', `${method} ${url} failed: ${proxyMessage(route, target, e.status, e.reason)}`, { ...details, ...(e.status === undefined ? {} : { status: e.status }) }, e);
      // The proxy never handed over a connection (no CONNECT answer, or no TCP accept): the request did not leave it,
      // so an append was certainly not stored, and the proxy is what to look at.
      if (e.code === 'TIMEOUT' && e.unsent && route)
        throw fail(
          'TIMEOUT',
          `${method} ${url} got no answer within ${timeoutMs} ms: ${route.label} (from ${route.source}) did not let the request through in that time (the proxy, or its connection to ${target.host}, is not answering), so nothing reached the collector; check the proxy, or, if this machine reaches the collector directly, ${route.source === 'the proxy option' ? 'pass proxy: false' : `add ${target.hostname} to NO_PROXY`}`,
          details,
          e,
        );
      if (e.code === 'TIMEOUT')
        throw fail(
          'TIMEOUT',
          `${method} ${url} got no complete answer within ${timeoutMs} ms${method === 'POST' && path === 'v1/records' ? '; the records may or may not have been stored' : ''}`,
          details,
          e,
        );
      if (e.code === 'RESPONSE_TOO_LARGE') {
        // Only the record list of a query can grow with the store; a name list that big means something else.
        const fix = path === 'v1/query' ? 'ask for less at once (name, from, to, where, limit) or raise maxResponseBytes' : 'raise maxResponseBytes if that is expected';
        throw fail('RESPONSE_TOO_LARGE', `${method} ${url} answered more than ${maxResponseBytes} bytes (maxResponseBytes); ${fix}`, { ...details, ...(e.status === undefined ? {} : { status: e.status }) }, e);
      }
      throw fail('NETWORK', `${method} ${url} failed: ${e.reason}; is the collector running and the URL right?`, details, e);
    }
    const { status, text } = res;
    if (status >= 300 && status < 400) throw fail('HTTP_STATUS', redirectMessage(method, where, path, status, res.headers.location), { ...details, status });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status >= 200 && status < 300) {
      const result = json === undefined ? refuse('with something other than JSON') : read(json);
      if (result instanceof Refusal) throw fail('BAD_RESPONSE', `${method} ${url} answered ${status} ${result.what}`, { ...details, status });
      return result;
    }
    const error = (json as ErrorBody | undefined)?.error;
    const serverCode = typeof error?.code === 'string' ? error.code : undefined;
    // An http: collector is asked through the proxy itself (no tunnel): a 407 can only be the proxy's, and a gateway
    // error without the collector's JSON error body is the proxy failing to reach it.
    if (route && (status === 407 || (serverCode === undefined && (status === 502 || status === 503 || status === 504))))
      throw fail('PROXY', `${method} ${url} failed: ${proxyMessage(route, target, status, String(status))}`, { ...details, status });
    const serverMessage = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    const withStatus = { ...details, status, ...(serverCode === undefined ? {} : { serverCode }) };
    // The collector validates records and queries with learning's own checks: hand those back as the same errors.
    if (status === 400 && serverCode === 'INVALID_RECORD')
      throw new LearningError('INVALID_RECORD', serverMessage, { cause: new HttpStoreError('HTTP_STATUS', serverMessage, withStatus) });
    if (status === 400 && serverCode === 'INVALID_QUERY')
      throw new LearningError('INVALID_ARGUMENT', serverMessage, { cause: new HttpStoreError('HTTP_STATUS', serverMessage, withStatus) });
    if (status === 401) throw fail('UNAUTHORIZED', `${serverMessage}; pass the token the collector was started with as { token }`, withStatus);
    throw fail('HTTP_STATUS', `${method} ${url} answered ${status}${serverCode === undefined ? '' : ` ${serverCode}`}: ${serverMessage}`, withStatus);
  }

  /** Runs one call unless closed, and lets close() wait for it. */
  function run<T>(op: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new LearningError('STORE_CLOSED', `the HTTP store for ${where} is closed; open a new one with openHttpStore()`));
    const p = op();
    pending.add(p);
    const forget = () => pending.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** The array in `field` of an answer. */
  const field = (json: unknown, name: string): unknown[] | Refusal => {
    const value = (json as Record<string, unknown> | null)?.[name];
    return Array.isArray(value) ? value : refuse(`without a "${name}" array`);
  };

  // Callers trust what the store returns (MetricsTracker computes on it straight away), so an answer is
  // checked like a record handed in: a proxy or another server must not slip NaN or a string into a trend.
  const readRecords = (json: unknown): MetricRecord[] | Refusal => {
    const items = field(json, 'records');
    if (items instanceof Refusal) return items;
    const records: MetricRecord[] = new Array<MetricRecord>(items.length);
    for (let i = 0; i < items.length; i++) {
      try {
        records[i] = validateRecord(items[i] as MetricRecordInput, missingTimestamp);
      } catch (e) {
        if (isLearningError(e)) return refuse(`with an invalid record at records[${i}]: ${e.message}`);
        throw e;
      }
    }
    return records;
  };

  const readNames = (json: unknown): string[] | Refusal => {
    const items = field(json, 'names');
    if (items instanceof Refusal) return items;
    const bad = items.findIndex((n) => typeof n !== 'string');
    return bad === -1 ? (items as string[]) : refuse(`with a name that is not a string at names[${bad}]`);
  };

  try {
    await send('GET', 'v1/health', undefined, (json) => ((json as { ok?: unknown } | null)?.ok === true ? json : refuse('without {"ok":true}')));
  } catch (e) {
    route?.agent.destroy(); // no store to close: its kept-alive proxy connection goes now
    throw e;
  }

  return {
    url: where,
    proxy: route?.label,
    append(records: readonly MetricRecord[]) {
      // The body is made now, not when the requests queued before this one are done: the caller may reuse its
      // array once append has been called. A malformed record is refused here, before anything is sent.
      let body: string;
      const count = records.length;
      try {
        for (const r of records) assertStorableRecord(r);
        // Exactly the four fields: a record read from another backend may carry extras the collector refuses.
        body = JSON.stringify(records.map((r) => ({ name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata })));
      } catch (e) {
        if (isLearningError(e)) return Promise.reject(e);
        // JSON.stringify's TypeError: a BigInt or a cycle in metadata.
        return Promise.reject(new LearningError('INVALID_RECORD', `a record cannot be sent as JSON (${e instanceof Error ? e.message : String(e)}); pass records validated by @autodev/learning (validateRecord)`, { cause: e }));
      }
      return run(async () => {
        if (count === 0) return;
        // The collector says how many it stored. Anything else is not a collector's answer to this batch (a
        // proxy's page, a GET it was turned into): resolving would lose the records without a word.
        await send('POST', 'v1/records', body, (json) => {
          const appended = (json as { appended?: unknown } | null)?.appended;
          if (appended === count) return;
          return new Refusal(
            `${typeof appended === 'number' ? `{"appended":${appended}}` : 'without an "appended" count'} for a batch of ${count} record${count === 1 ? '' : 's'}; the records may or may not have been stored (is this an @autodev/server collector?)`,
          );
        });
      });
    },
    query(query?: MetricQuery) {
      return run(async () => {
        // validateQuery refuses a misspelt field (`nmae` would be no filter at all) before JSON.stringify meets what
        // it cannot send (a BigInt threw a TypeError), as the collector would refuse it.
        const q = validateQuery(query);
        // validateQuery has refused every where value JSON.stringify would change (NaN, undefined, a Date…), so the
        // query goes as it is; only the known fields are sent.
        const body: MetricQuery = { name: q.name, from: q.from, to: q.to, where: q.where, order: q.order, limit: q.limit };
        return send('POST', 'v1/query', JSON.stringify(body), readRecords);
      });
    },
    names() {
      return run(() => send('GET', 'v1/names', undefined, readNames));
    },
    async close() {
      closed = true;
      await Promise.allSettled([...pending]);
      // A proxy connection kept alive for the next request; Node's global agent (no proxy) is not ours to close.
      route?.agent.destroy();
    },
  };
}
