import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { itKeepsAcknowledgedAppendsAcrossCrashes } from '@autodev/learning/testing';
import pg from 'pg';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const child = join(import.meta.dirname, 'fixtures', 'crash-child.ts');

itKeepsAcknowledgedAppendsAcrossCrashes(async () => {
  const url = databaseUrl();
  const schema = randomSchema();
  return {
    spawnWriter: (worker) => spawn(process.execPath, ['--import', 'tsx', child, url, schema, worker], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: () => openPostgresStore({ connectionString: url, schema }),
    cleanup: async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
});
