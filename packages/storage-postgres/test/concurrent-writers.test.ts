import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { itKeepsEveryRecordFromConcurrentWriters } from '@autodev/learning/testing';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, dropSchema, randomSchema } from './fixtures/database-url.js';

const child = join(import.meta.dirname, 'fixtures', 'append-child.ts');

// 4 processes × 400 records into a schema that does not exist yet: the writers also race to create it.
itKeepsEveryRecordFromConcurrentWriters(
  async () => {
    const url = databaseUrl();
    const schema = randomSchema();
    return {
      spawnWriter: (w, n, b) => spawn(process.execPath, ['--import', 'tsx', child, url, schema, String(w), String(n), String(b)], { stdio: ['ignore', 'pipe', 'pipe'] }),
      open: () => openPostgresStore({ connectionString: url, schema }),
      cleanup: () => dropSchema(url, schema),
    };
  },
  { recordsPerWriter: 400 },
);
