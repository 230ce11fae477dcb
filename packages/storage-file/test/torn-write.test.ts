import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { openFileStore, type FileStoreWarning } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('a SIGKILL inside one big write(2)', () => {
  it('leaves a torn batch that is ignored as a whole; earlier records and later appends are intact', { timeout: 180_000 }, async () => {
    const path = join(await tempDir(), 'torn.jsonl');
    const script = fileURLToPath(new URL('./fixtures/big-batch-worker.mjs', import.meta.url));
    // ~300 000 records of ~150 bytes: one 45 MB write, long enough to be killed half-way.
    const child = spawn(process.execPath, [script, inject('fixtureBundleDir'), path, '300000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('close', (_code, signal) => r(signal)));
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => ((out += c.toString()).includes('acked\n') ? resolve() : undefined)));
    const start = (await stat(path)).size;
    // Kill as soon as the file starts growing: the kernel is then inside the write(2) of the batch.
    // (Serializing 300 000 records takes a while on a busy machine: wait for the write, however long.)
    const deadline = Date.now() + 120_000;
    while ((await stat(path)).size === start && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const size = (await stat(path)).size;
    expect(size, 'the kill must come after the big write began').toBeGreaterThan(start);

    const warnings: FileStoreWarning[] = [];
    const store = await openFileStore({ path, onWarning: (w) => warnings.push(w) });
    const big = await store.query({ name: 'big' });
    // All or nothing: the batch is either complete (the kill came after the write) or absent.
    expect([0, 300_000]).toContain(big.length);
    expect((await store.query({ name: 'small' })).map((r) => r.value)).toEqual([0, 1, 2]);
    if (big.length === 0 && size > start) expect(warnings.map((w) => w.code)).toContain('TORN_LINE');
    await store.append([{ name: 'after', value: 1, timestamp: 1, metadata: {} }]);
    await store.close();
    const again = await openFileStore({ path, onWarning: () => undefined });
    expect(await again.query({ name: 'after' })).toHaveLength(1);
    expect(await again.query({ name: 'big' })).toHaveLength(big.length);
    await again.close();
    console.log(`torn-write test: killed after ${size - start} of ~45 MB; batch ${big.length === 0 ? 'ignored' : 'complete'}; warnings ${warnings.map((w) => w.code).join(', ')}`);
  });
});
