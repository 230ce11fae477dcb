import { expect, it } from 'vitest';
import { describeMetricStoreContract } from '../../src/testing/index.js';
import { openJsonTextStore } from './json-text-store.js';

// Each test gets a fresh "disk"; reopen opens a second store on the same location, which runs the
// durability tests the memory store has to skip.
describeMetricStoreContract(
  'json text (README example)',
  async () => {
    const disk = new Map<string, string>();
    return { store: openJsonTextStore(disk, 'metrics.json'), disk, dispose: async () => disk.clear() };
  },
  { reopen: async (f) => ({ ...f, store: openJsonTextStore(f.disk, 'metrics.json') }) },
);

it('the example backend reports damaged data as STORE_CORRUPT', () => {
  const disk = new Map([['metrics.json', '[{"name":']]);
  expect(() => openJsonTextStore(disk, 'metrics.json')).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
});
