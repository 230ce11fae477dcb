import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMetricStoreContract, type StoreFixture } from '@autodev/learning/testing';
import { openFileStore } from '../src/index.js';

const pathOf = new WeakMap<StoreFixture, { path: string; dir: string }>();

describeMetricStoreContract(
  'file',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-contract-'));
    const path = join(dir, 'metrics.jsonl');
    const fixture: StoreFixture = { store: await openFileStore({ path }), dispose: () => rm(dir, { recursive: true, force: true }) };
    pathOf.set(fixture, { path, dir });
    return fixture;
  },
  {
    reopen: async (previous) => {
      const { path, dir } = pathOf.get(previous)!;
      const fixture: StoreFixture = { store: await openFileStore({ path }), dispose: () => rm(dir, { recursive: true, force: true }) };
      pathOf.set(fixture, { path, dir });
      return fixture;
    },
  },
);
