import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { itKeepsAcknowledgedAppendsAcrossCrashes } from '@autodev/learning/testing';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, dropSchema, randomSchema } from './fixtures/database-url.js';

const child = join(import.meta.dirname, 'fixtures', 'crash-child.ts');

itKeepsAcknowledgedAppendsAcrossCrashes(async () => {
  const url = databaseUrl();
  const schema = randomSchema();
  return {
    spawnWriter: (worker) => spawn(process.execPath, ['--import', 'tsx', child, url, schema, worker], { stdio: ['ignore', 'pipe', 'pipe'] }),
    open: () => openPostgresStore({ connectionString: url, schema }),
    cleanup: () => dropSchema(url, schema),
  };
});
