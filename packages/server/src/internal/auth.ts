import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { MetricsServerError } from '../errors.js';

/** The session cookie's name before it was made per token: still read, so sessions issued then keep working. */
export const SESSION_COOKIE = 'autodev_session';

/**
 * Name of the cookie that lets the dashboard's page, `fetch` and `EventSource` read with the token:
 * `autodev_session_<12 characters of an HMAC keyed with the token>`. Cookies are not per port: with one name, logging
 * in to a second collector on the same host (localhost:8787 and localhost:8788) replaced the first one's cookie,
 * and its open dashboard got 401 at its next request. Collectors with the same token share the name, and a session.
 */
export function sessionCookieName(token: string): string {
  return `${SESSION_COOKIE}_${createHmac('sha256', token).update('autodev-dashboard-cookie-name').digest('base64url').slice(0, 12)}`;
}

/** Compares two secrets in time independent of where they differ (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The cookie value that stands for the token, issued at `issuedAt` (epoch seconds): `<issuedAt>.<HMAC>`, the HMAC
 * keyed with the token over a fixed label and the issue time. The cookie never holds the token itself and cannot
 * be turned back into a bearer token for writes; the issue time lets the server refuse it once it is older than
 * the session's max age, whatever the browser keeps.
 */
export function sessionValue(token: string, issuedAt: number): string {
  return `${issuedAt}.${createHmac('sha256', token).update(`autodev-dashboard-session-v2.${issuedAt}`).digest('base64url')}`;
}

/** How long a session cookie is accepted, and the clock it is measured with. */
export interface SessionPolicy {
  maxAgeSeconds: number;
  /** Epoch milliseconds. */
  now: () => number;
}

/** Clocks of machines differ: a cookie issued up to this far in the future is still accepted. */
const CLOCK_SKEW_SECONDS = 60;

/** True when `value` is a session cookie this token issued and it is younger than the max age. */
function validSession(value: string, token: string, { maxAgeSeconds, now }: SessionPolicy): boolean {
  const m = /^(\d{1,12})\./.exec(value);
  if (!m) return false;
  const issuedAt = Number(m[1]);
  if (!secretsEqual(value, sessionValue(token, issuedAt))) return false;
  const age = Math.floor(now() / 1000) - issuedAt;
  return age >= -CLOCK_SKEW_SECONDS && age < maxAgeSeconds;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Throws 401 unless the request carries the token: `Authorization: Bearer <token>`, or, for reads only
 * (`GET`, `HEAD`), a dashboard session cookie younger than `session.maxAgeSeconds`. Writes never accept the cookie,
 * so a page on another site cannot make the browser post records with it (SameSite=Strict blocks that too; this is
 * the second lock).
 */
export function checkToken(req: IncomingMessage, token: string, session: SessionPolicy): void {
  const header = req.headers.authorization;
  const challenge = { headers: { 'www-authenticate': 'Bearer realm="autodev"' } };
  if (header !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m) throw new MetricsServerError('UNAUTHORIZED', 'the Authorization header must be "Bearer <token>"', challenge);
    if (!secretsEqual(m[1]!, token)) throw new MetricsServerError('UNAUTHORIZED', 'the bearer token is not the one this server was started with', challenge);
    return;
  }
  const cookieValue = req.method === 'GET' || req.method === 'HEAD' ? (cookie(req, sessionCookieName(token)) ?? cookie(req, SESSION_COOKIE)) : undefined;
  if (cookieValue !== undefined && validSession(cookieValue, token, session)) return;
  throw new MetricsServerError(
    'UNAUTHORIZED',
    cookieValue === undefined
      ? 'this server needs a token: send "Authorization: Bearer <token>" (in a browser, open /?token=<token> once)'
      : 'the dashboard session has expired or is not valid (sessions last sessionMaxAgeSeconds): open /?token=<token> again',
    challenge,
  );
}

/** 127.0.0.0/8 in dotted-quad form, each part a number up to 255 (127.999.0.1 is no address at all). */
const LOOPBACK_V4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The host name of a `Host` header, without the port, lowercased (`[::1]` keeps its brackets); `''` when the header
 * is not `name` or `name:port` with a numeric port (`localhost:abc`, `[::1]x`), so that it matches no host.
 */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::\d*)?$/.exec(h);
  return m ? m[1]! : '';
}

/**
 * An `allowedHosts` entry in the form {@link hostName} gives a `Host` header (lowercased, IPv6 in brackets), or
 * undefined when no `Host` name could ever equal it (a port, spaces, a broken bracket).
 */
export function allowedHostName(entry: string): string | undefined {
  const h = entry.toLowerCase();
  if (h === '' || /[\s/@]/.test(h)) return undefined;
  if (h.startsWith('[')) return h.endsWith(']') && isIPv6(h.slice(1, -1)) ? h : undefined;
  if (h.includes(':')) return isIPv6(h) ? `[${h}]` : undefined;
  return h;
}

/** True for names that can only reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = LOOPBACK_V4.exec(h);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/**
 * The rule for `token`: at least 8 visible ASCII characters (`!` to `~`, no spaces). It travels in a header, whose
 * bytes Node reads as Latin-1: a token with `ä` matched Node clients (which send Latin-1) but never curl (which sends
 * UTF-8), and one with `密` could not be sent in a header at all, by anyone.
 */
export function isUsableToken(token: unknown): token is string {
  return typeof token === 'string' && /^[\x21-\x7e]{8,}$/.test(token);
}

/**
 * Throws 403 unless the `Host` header names an allowed host. A server without a token answers only to
 * loopback names by default: a web page can point its own domain at 127.0.0.1 (DNS rebinding) and would
 * then be "same origin" with the collector, but its requests still carry its own domain in `Host`.
 */
export function checkHost(req: IncomingMessage, allowed: readonly string[] | undefined): void {
  const name = hostName(req.headers.host ?? '');
  if (allowed ? allowed.includes(name) : isLoopbackHost(name)) return;
  throw new MetricsServerError(
    'FORBIDDEN_HOST',
    `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed: a server without a token answers only to ${
      allowed ? allowed.join(', ') : 'localhost, 127.0.0.1 and [::1]'
    }; start it with a token, or list the host in allowedHosts`,
  );
}
