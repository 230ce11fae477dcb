import { describe, expect, it } from 'vitest';
import { createMissingStore, validateRecord } from '../src/index.js';

describe('createMissingStore (a read-only open where nothing exists yet)', () => {
  it('answers empty, refuses append with STORE_IO, validates queries, and says STORE_CLOSED after close', async () => {
    const store = createMissingStore('the test store x');
    expect(store.exists).toBe(false);
    expect(await store.query({ name: 'm' })).toEqual([]);
    expect(await store.names()).toEqual([]);
    await expect(store.append([validateRecord({ name: 'm', value: 1, timestamp: 1 })])).rejects.toMatchObject({
      code: 'STORE_IO',
      message: expect.stringMatching(/^the test store x was opened read-only and does not exist yet/),
    });
    await expect(store.query({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await store.close();
    await store.close();
    await expect(store.names()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
