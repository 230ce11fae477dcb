import { isLearningError, validateQuery, type JsonValue, type MetricQuery } from '@autodev/learning';
import { MetricsServerError } from '../errors.js';

const bad = (message: string) => new MetricsServerError('INVALID_QUERY', message);

/** Rejects parameters outside `known` and repeated ones, so a typo (`nmae=`) is an error, not "no filter". */
export function checkParams(params: URLSearchParams, known: readonly string[], repeatable: readonly string[] = []): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!known.includes(key)) throw bad(`unknown query parameter ${JSON.stringify(key)}; use ${known.join(', ')}`);
    if (seen.has(key) && !repeatable.includes(key)) throw bad(`query parameter ${JSON.stringify(key)} is given more than once`);
    seen.add(key);
  }
}

/** ISO-8601 (RFC 3339 profile): a date, or a date and time with its offset (`Z`, `+02:00`). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/;
/** A date and time without an offset: `Date.parse` would read it in the server's time zone. */
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Whether the `YYYY-MM-DD` an ISO date starts with exists (`Date.parse` turns 2026-02-30 into March 2). */
function realDay(iso: string): boolean {
  const [y, m, d] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
  return m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/**
 * A time bound as epoch milliseconds or an ISO-8601 date. Only those forms: `Date.parse` alone also takes
 * "March 7" (March 7, 2001), "Tue 1" or "1/2/2026" (January 2, month first), which would filter on a date the caller
 * never meant instead of being refused, and a date-time without an offset, which it reads in the server's time
 * zone (not the caller's).
 */
function time(key: string, raw: string): number {
  const text = raw.trim();
  const form = `${key} must be epoch milliseconds or an ISO-8601 date such as 2026-01-31T12:00:00Z`;
  if (ISO_LOCAL.test(text)) throw bad(`${form}; ${JSON.stringify(raw)} has no time zone, and the server's may not be yours: add Z (UTC) or an offset such as +02:00`);
  const n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : ISO_DATE.test(text) && realDay(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(n)) throw bad(`${form}, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The `MetricQuery` of `GET /v1/records?name=&from=&to=&order=&limit=&where=<json>`, checked with
 * `validateQuery` of `@autodev/learning`.
 */
export function queryFromParams(params: URLSearchParams): MetricQuery {
  checkParams(params, ['name', 'from', 'to', 'order', 'limit', 'where']);
  const q: MetricQuery = {};
  const name = params.get('name');
  if (name !== null) q.name = name;
  const from = params.get('from');
  if (from !== null) q.from = time('from', from);
  const to = params.get('to');
  if (to !== null) q.to = time('to', to);
  const order = params.get('order');
  if (order !== null) q.order = order as MetricQuery['order'];
  const limit = params.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit)) throw bad(`limit must be a whole number >= 0, got ${JSON.stringify(limit)}`);
    q.limit = Number(limit);
  }
  const where = params.get('where');
  if (where !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(where);
    } catch {
      throw bad(`where must be a JSON object of metadata key/value pairs such as {"branch":"main"}, got ${JSON.stringify(where.slice(0, 80))}`);
    }
    q.where = parsed as { [key: string]: JsonValue };
  }
  return checkQuery(q);
}

const QUERY_FIELDS = ['name', 'from', 'to', 'order', 'limit', 'where'];

/** The `MetricQuery` of a `POST /v1/query` body. */
export function queryFromBody(body: unknown): MetricQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MetricsServerError('INVALID_BODY', 'the body must be a JSON object such as {"name":"test_duration","order":"desc","limit":10}');
  for (const key of Object.keys(body)) if (!QUERY_FIELDS.includes(key)) throw bad(`unknown query field ${JSON.stringify(key)}; use ${QUERY_FIELDS.join(', ')}`);
  return checkQuery(body);
}

/** `validateQuery` of learning, with its INVALID_ARGUMENT turned into a 400. */
function checkQuery(q: MetricQuery): MetricQuery {
  try {
    return validateQuery(q);
  } catch (e) {
    if (isLearningError(e)) throw bad(e.message);
    throw e;
  }
}
