// Several agent processes appending into one collector at once, and agents SIGKILLed mid-append (often with a
// request body half sent): the shared checks of @autodev/learning/testing, against a real collector (over a
// memory store: the collector is not what is killed here).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createMemoryStore } from '@autodev/learning';
import { itKeepsAcknowledgedAppendsAcrossCrashes, itKeepsEveryRecordFromConcurrentWriters } from '@autodev/learning/testing';
import { createMetricsServer } from '@autodev/server';
import { openHttpStore } from '../src/index.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** A collector over a fresh store; `open` gives a client of it, `cleanup` stops it. */
async function collector() {
  const backing = createMemoryStore();
  const server = createMetricsServer({ store: backing });
  const url = await server.listen({ port: 0 });
  return {
    url,
    open: () => openHttpStore({ url, proxy: false }),
    cleanup: async () => {
      await server.close();
      await backing.close();
    },
  };
}

itKeepsEveryRecordFromConcurrentWriters(async () => {
  const c = await collector();
  return {
    spawnWriter: (w, n, b) =>
      spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'append-child.ts'), c.url, String(w), String(n), String(b)], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: c.open,
    cleanup: c.cleanup,
  };
});

itKeepsAcknowledgedAppendsAcrossCrashes(async () => {
  const c = await collector();
  return {
    spawnWriter: (worker) => spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'crash-child.ts'), c.url, worker], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: c.open,
    cleanup: c.cleanup,
  };
});
