import { LearningError, validateQuery, type MetricQuery, type MetricRecord, type MetricStore } from '@autodev/learning';
import { HttpStoreError, type HttpStoreErrorCode } from './errors.js';

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
  /** The `fetch` to use (a proxy-aware one, a test double). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** A `MetricStore` that lives in an `@autodev/server` collector. */
export interface HttpMetricStore extends MetricStore {
  /** The collector's base URL (normalized, with a trailing slash). */
  readonly url: string;
}

const invalid = (message: string) => new LearningError('INVALID_ARGUMENT', message);

function checkOptions(options: HttpStoreOptions): URL {
  if (typeof options !== 'object' || options === null) throw invalid('openHttpStore takes an options object such as { url: "http://127.0.0.1:8787" }');
  const { url, token, timeoutMs, headers, fetch } = options;
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
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw invalid(`timeoutMs must be a whole number of milliseconds > 0, got ${String(timeoutMs)}`);
  if (headers !== undefined && (typeof headers !== 'object' || headers === null)) throw invalid('headers must be an object of header names and values');
  if (fetch !== undefined && typeof fetch !== 'function') throw invalid('fetch must be a function with the signature of globalThis.fetch');
  if (fetch === undefined && typeof globalThis.fetch !== 'function') throw invalid('this runtime has no global fetch (Node.js 18+ has one); pass { fetch }');
  base.search = '';
  base.hash = '';
  // Endpoints resolve relative to the base, so a collector mounted under a path keeps that path.
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/**
 * Opens a store that sends appends and queries to an `@autodev/server` collector over HTTP (Node's global
 * `fetch`), so CI agents on many machines can record into one store. It first asks `GET /v1/health`, so a
 * wrong URL or token fails here and not at the first append.
 *
 * Every `append` is one `POST /v1/records`: all or nothing, stored when it resolves, validated again by the
 * collector. `query` is a `POST /v1/query`. Requests are not retried: a failed append would be duplicated by a
 * retry if the collector had stored it before the connection broke.
 * @throws {LearningError} INVALID_ARGUMENT for bad options; STORE_IO when the collector cannot be reached or
 * refuses (its `cause` is an {@link HttpStoreError}: TIMEOUT, NETWORK, UNAUTHORIZED, HTTP_STATUS, BAD_RESPONSE).
 * @example
 * const storage = await openHttpStore({ url: 'https://metrics.internal', token: process.env.AUTODEV_TOKEN });
 * const tracker = new MetricsTracker({ storage });
 * await tracker.recordMetric('test_duration', 12.5, { branch: 'main' });
 */
export async function openHttpStore(options: HttpStoreOptions): Promise<HttpMetricStore> {
  const base = checkOptions(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const where = base.href;
  let closed = false;
  const pending = new Set<Promise<unknown>>();

  const fail = (code: HttpStoreErrorCode, message: string, details: ConstructorParameters<typeof HttpStoreError>[2], cause?: unknown) =>
    new LearningError('STORE_IO', `collector ${where}: ${message}`, { cause: new HttpStoreError(code, message, details, cause === undefined ? undefined : { cause }) });

  async function send(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
    const url = new URL(path, base).href;
    const details = { method, url };
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
        throw fail(
          'TIMEOUT',
          `${method} ${url} got no complete answer within ${timeoutMs} ms${method === 'POST' && path === 'v1/records' ? '; the records may or may not have been stored' : ''}`,
          details,
          e,
        );
      const reason = (e as { cause?: { code?: string; message?: string } }).cause;
      throw fail('NETWORK', `${method} ${url} failed: ${reason?.code ?? reason?.message ?? (e as Error).message}; is the collector running and the URL right?`, details, e);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) {
      if (json === undefined) throw fail('BAD_RESPONSE', `${method} ${url} answered ${res.status} with something other than JSON; is this an @autodev/server collector?`, { ...details, status: res.status });
      return json;
    }
    const error = (json as ErrorBody | undefined)?.error;
    const serverCode = typeof error?.code === 'string' ? error.code : undefined;
    const serverMessage = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    const withStatus = { ...details, status: res.status, ...(serverCode === undefined ? {} : { serverCode }) };
    // The collector validates records and queries with learning's own checks: hand those back as the same errors.
    if (res.status === 400 && serverCode === 'INVALID_RECORD')
      throw new LearningError('INVALID_RECORD', serverMessage, { cause: new HttpStoreError('HTTP_STATUS', serverMessage, withStatus) });
    if (res.status === 400 && serverCode === 'INVALID_QUERY')
      throw new LearningError('INVALID_ARGUMENT', serverMessage, { cause: new HttpStoreError('HTTP_STATUS', serverMessage, withStatus) });
    if (res.status === 401) throw fail('UNAUTHORIZED', `${serverMessage}; pass the token the collector was started with as { token }`, withStatus);
    throw fail('HTTP_STATUS', `${method} ${url} answered ${res.status}${serverCode === undefined ? '' : ` ${serverCode}`}: ${serverMessage}`, withStatus);
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

  const shape = (json: unknown, field: string, path: string): unknown[] => {
    const value = (json as Record<string, unknown> | null)?.[field];
    if (!Array.isArray(value)) throw fail('BAD_RESPONSE', `${path} answered without a "${field}" array; is this an @autodev/server collector?`, { method: 'GET', url: new URL(path, base).href });
    return value;
  };

  const health = await send('GET', 'v1/health');
  if ((health as { ok?: unknown } | null)?.ok !== true)
    throw fail('BAD_RESPONSE', 'GET v1/health did not answer {"ok":true}; is this an @autodev/server collector?', { method: 'GET', url: new URL('v1/health', base).href });

  return {
    url: where,
    append(records: readonly MetricRecord[]) {
      return run(async () => {
        if (records.length === 0) return;
        // Exactly the four fields: a record read from another backend may carry extras the collector refuses.
        const body = JSON.stringify(records.map((r) => ({ name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata })));
        await send('POST', 'v1/records', body);
      });
    },
    query(query?: MetricQuery) {
      return run(async () => {
        const q = validateQuery(query);
        return shape(await send('POST', 'v1/query', JSON.stringify(q)), 'records', 'v1/query') as MetricRecord[];
      });
    },
    names() {
      return run(async () => shape(await send('GET', 'v1/names'), 'names', 'v1/names') as string[]);
    },
    async close() {
      closed = true;
      await Promise.allSettled([...pending]);
    },
  };
}
