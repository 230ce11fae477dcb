// Test support shared by the packages whose tests need a service the machine may not have (PostgreSQL, Redis,
// Chromium). On a fresh machine with only Node.js and npm, those tests are skipped with a warning that names the
// service and how to provide it, so the README's test command passes there. CI sets AUTODEV_REQUIRE_SERVICES=1
// (.ci/run), and then a missing service fails the run instead: a skipped backend or browser test must never let a
// broken one land.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** True when the run must have every service (CI): missing ones fail instead of skipping. */
export function servicesRequired(): boolean {
  return process.env.AUTODEV_REQUIRE_SERVICES === '1';
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Where the tests find PostgreSQL: PGHOST / PGPORT, defaults 127.0.0.1:5432 (DATABASE_URL's host when set). */
export function postgresAddress(): { host: string; port: number } {
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
  }
  return { host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432) };
}

export async function postgresReachable(): Promise<boolean> {
  const { host, port } = postgresAddress();
  return tcpReachable(host, port);
}

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumInstalled = (): boolean => existsSync(CHROMIUM_PATH);

/**
 * Decides whether tests that need `service` run: true when it is there; false (with a warning on stderr) when it is
 * missing and the run does not require services; true when it is missing but required, so that the tests run and
 * fail with their own message.
 */
export function runWith(service: string, available: boolean, howToProvide: string): boolean {
  if (available || servicesRequired()) return true;
  console.warn(`\n⚠ skipped: the tests that need ${service} (not available here). ${howToProvide} CI sets AUTODEV_REQUIRE_SERVICES=1, which makes a missing service a failure.\n`);
  return false;
}
