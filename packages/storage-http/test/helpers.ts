import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, isLearningError, type MetricStore } from '@autodev/learning';
import { expect } from 'vitest';
import { isHttpStoreError, type HttpStoreError } from '../src/index.js';
import { createMetricsServer, type MetricsServer, type MetricsServerOptions } from '@autodev/server';

/** A collector over a fresh memory store (or the given one) on an ephemeral loopback port. */
export async function startCollector(options: Partial<MetricsServerOptions> = {}): Promise<{ url: string; server: MetricsServer; backing: MetricStore; stop: () => Promise<void> }> {
  const backing = options.store ?? createMemoryStore();
  const server = createMetricsServer({ ...options, store: backing });
  const url = await server.listen({ port: 0 });
  return {
    url,
    server,
    backing,
    stop: async () => {
      await server.close();
      await backing.close();
    },
  };
}

/** Awaits a rejection and returns it, checking it is a LearningError with `code`. */
export async function rejection(p: Promise<unknown>, code: string): Promise<Error & { code: string; cause?: unknown }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isLearningError(e), String(e)).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  return e as Error & { code: string; cause?: unknown };
}

export const httpCause = (e: { cause?: unknown }): HttpStoreError => {
  expect(isHttpStoreError(e.cause)).toBe(true);
  return e.cause as HttpStoreError;
};

/** A plain loopback server with a handler of our own; its closing is pushed onto `cleanups`. Resolves to its URL. */
export async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse) => void, cleanups: Array<() => Promise<void> | void>): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
