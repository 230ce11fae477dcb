import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { itKeepsEveryRecordFromConcurrentWriters } from '@autodev/learning/testing';
import pg from 'pg';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const child = join(import.meta.dirname, 'fixtures', 'append-child.ts');

// 4 processes × 400 records into a schema that does not exist yet: the writers also race to create it.
itKeepsEveryRecordFromConcurrentWriters(
  async () => {
    const url = databaseUrl();
    const schema = randomSchema();
    return {
      spawnWriter: (w, n, b) => spawn(process.execPath, ['--import', 'tsx', child, url, schema, String(w), String(n), String(b)], { stdio: ['ignore', 'pipe', 'pipe'] }),
      open: () => openPostgresStore({ connectionString: url, schema }),
      cleanup: async () => {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  },
  { recordsPerWriter: 400 },
);
