import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMetricStoreContract } from '@autodev/learning/testing';
import { openSqliteStore } from '../src/index.js';

const paths = new WeakMap<object, string>();

describeMetricStoreContract(
  'sqlite',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-sqlite-contract-'));
    const path = join(dir, 'metrics.db');
    const store = await openSqliteStore({ path });
    paths.set(store, path);
    return { store, dispose: () => rm(dir, { recursive: true, force: true }) };
  },
  {
    reopen: async (f) => {
      const path = paths.get(f.store)!;
      const store = await openSqliteStore({ path });
      paths.set(store, path);
      return { ...f, store };
    },
  },
);
