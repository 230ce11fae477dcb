import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import pg from 'pg';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const child = join(import.meta.dirname, 'fixtures', 'crash-child.ts');

/** Starts a child appending to the table in `schema`, kills it with SIGKILL `delayMs` after its first ack, returns its last acked batch. */
function appendUntilKilled(url: string, schema: string, worker: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, url, schema, worker], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = -1;
    let buffered = '';
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (!m) continue;
        if (lastAck === -1) setTimeout(() => p.kill('SIGKILL'), delayMs);
        lastAck = Number(m[1]);
      }
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(lastAck) : reject(new Error(`child exited without being killed: ${stderr}`))));
  });
}

it('keeps every acknowledged append when writers are SIGKILLed mid-append (2 rounds × 3 processes)', async () => {
  const url = databaseUrl();
  const schema = randomSchema();
  try {
    let kills = 0;
    for (let round = 0; round < 2; round++) {
      const workers = [0, 1, 2].map((w) => `${round}_${w}`);
      const lastAcks = await Promise.all(workers.map((w) => appendUntilKilled(url, schema, w, 50 + Math.floor(Math.random() * 700))));
      kills += lastAcks.length;
      const store = await openPostgresStore({ connectionString: url, schema });
      for (const [k, w] of workers.entries()) {
        const lastAck = lastAcks[k]!;
        const perBatch = new Map<number, number>();
        for (const r of await store.query({ name: `crash_${w}` })) perBatch.set(r.value, (perBatch.get(r.value) ?? 0) + 1);
        // Every acknowledged batch exactly once and whole; the batch in flight at the kill either whole or
        // absent (it may have committed before its ack was printed); nothing after it.
        for (let b = 0; b <= lastAck; b++) expect(perBatch.get(b)).toBe(1 + (b % 50));
        expect([undefined, 1 + ((lastAck + 1) % 50)]).toContain(perBatch.get(lastAck + 1));
        expect([...perBatch.keys()].every((b) => b <= lastAck + 1)).toBe(true);
      }
      // The store is usable after the crashes.
      await store.append([{ name: 'after_crash', value: round, timestamp: round, metadata: {} }]);
      expect((await store.query({ name: 'after_crash' })).length).toBe(round + 1);
      await store.close();
    }
    expect(kills).toBe(6);
  } finally {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}, 120_000);
