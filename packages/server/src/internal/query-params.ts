import { isLearningError, parseIsoTimestamp, validateQuery, type JsonValue, type MetricQuery } from '@autodev/learning';
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

/**
 * A time bound as epoch milliseconds or an ISO-8601 date or date and time with its offset (parseIsoTimestamp of
 * @autodev/learning): not "March 7", "1/2/2026" or 2026-02-30, which `Date.parse` alone would turn into a date the
 * caller never meant, and not a date and time without an offset, which it would read in the server's time zone.
 */
function time(key: string, raw: string): number {
  const text = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const parsed = parseIsoTimestamp(text);
  if (typeof parsed === 'string') {
    // `?from=2026-01-31T12:00:00+02:00` typed as is: in a query string `+` means a space, so the offset arrives as ' 02:00'.
    const plus = /T[\d:.]+ \d{2}(?::?\d{2})?$/.test(text) ? `; a "+" in a URL is read as a space: write the offset as %2B${text.slice(text.lastIndexOf(' ') + 1)} (or use Z)` : '';
    throw bad(`${key} must be epoch milliseconds or an ISO-8601 date such as 2026-01-31T12:00:00Z: ${parsed}${plus}`);
  }
  return parsed;
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
