import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itKeepsEveryRecordFromConcurrentWriters } from '@autodev/learning/testing';
import { openSqliteStore } from '../src/index.js';

const child = join(import.meta.dirname, 'fixtures', 'append-child.ts');

// 4 processes × 1,000 records into one file; writers 0 and 3 commit every record alone.
itKeepsEveryRecordFromConcurrentWriters(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'autodev-sqlite-writers-'));
  const path = join(dir, 'shared.db');
  return {
    spawnWriter: (w, n, b) => spawn(process.execPath, ['--import', 'tsx', child, path, String(w), String(n), String(b)], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: () => openSqliteStore({ path }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
