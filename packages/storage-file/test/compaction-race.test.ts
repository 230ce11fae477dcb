import type * as fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricRecord } from '@autodev/learning';
import { describe, expect, it, vi } from 'vitest';
import { openFileStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// Lets a test run something (a compaction by another store) after an asynchronous stat has looked at the file and
// before its result reaches the caller: the interleaving a loaded machine produces when a process is descheduled
// there. No timing involved.
const hook = vi.hoisted(() => ({ beforeStatReturns: undefined as undefined | (() => Promise<void>) }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const stat = async (...args: Parameters<typeof real.stat>) => {
    const result = await real.stat(...args);
    const run = hook.beforeStatReturns;
    hook.beforeStatReturns = undefined;
    if (run) await run();
    return result;
  };
  return { ...real, stat, default: { ...real, stat } };
});

const rec = (value: number): MetricRecord => ({ name: 'm', value, timestamp: value, metadata: {} });

describe('an append racing a compaction by another process', () => {
  it('does not write into the replaced file when the compaction runs between its checks and its write', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const writer = await openFileStore({ path, onWarning: () => undefined });
    const compactor = await openFileStore({ path, onWarning: () => undefined });
    await writer.append([rec(1)]); // the append descriptor is open now
    hook.beforeStatReturns = async () => {
      await compactor.compact();
    };
    await writer.append([rec(2)]);
    // An append that makes no asynchronous stat before its write never gave the compaction that chance; run it
    // now, so both versions end with a compacted file to check.
    const pending = hook.beforeStatReturns;
    hook.beforeStatReturns = undefined;
    await pending?.();
    await writer.close();
    await compactor.close();
    const fresh = await openFileStore({ path });
    expect((await fresh.query()).map((r) => r.value)).toEqual([1, 2]);
    await fresh.close();
  });
});
