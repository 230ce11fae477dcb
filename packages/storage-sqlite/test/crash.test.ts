import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itKeepsAcknowledgedAppendsAcrossCrashes } from '@autodev/learning/testing';
import { openSqliteStore } from '../src/index.js';

const child = join(import.meta.dirname, 'fixtures', 'crash-child.ts');

itKeepsAcknowledgedAppendsAcrossCrashes(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'autodev-sqlite-crash-'));
  const path = join(dir, 'metrics.db');
  return {
    spawnWriter: (worker) => spawn(process.execPath, ['--import', 'tsx', child, path, worker], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: () => openSqliteStore({ path }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
