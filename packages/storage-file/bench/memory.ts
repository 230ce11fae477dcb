// Heap held by an open store over a 1,000,000-record file, compared with the file's size. Run by
// bench/index.ts in a fresh `node --expose-gc` process; prints one JSON line per case.
import { stat } from 'node:fs/promises';
import { openFileStore } from '../src/index.js';
import { benchFile } from './data.js';

const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  // Typed-array columns live outside the JS heap (arrayBuffers): count them too.
  return m.heapUsed + m.arrayBuffers;
};

for (const unique of [false, true]) {
  const path = await benchFile(1_000_000, unique);
  const fileBytes = (await stat(path)).size;
  const before = used();
  const store = await openFileStore({ path });
  await store.names();
  const held = used() - before;
  const all = await store.query();
  const withResult = used() - before;
  console.log(JSON.stringify({ case: `store open on 1M records${unique ? ' (distinct metadata per record)' : ''}`, fileMB: fileBytes / 1e6, heldMB: held / 1e6, ratio: held / fileBytes }));
  console.log(JSON.stringify({ case: `… plus the 1M-record query result${unique ? ' (distinct metadata)' : ''}`, fileMB: fileBytes / 1e6, heldMB: withResult / 1e6, ratio: withResult / fileBytes, n: all.length }));
  await store.close();
}
