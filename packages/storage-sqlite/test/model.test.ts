// Model check: random append/query sequences with hostile strings and values give the same answers
// as the reference memory store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import { afterAll, describe } from 'vitest';
import { openSqliteStore } from '../src/index.js';

describe('in memory', () => {
  itAnswersLikeTheMemoryStore(() => openSqliteStore({ path: ':memory:' }), { numRuns: 150 });
});

describe('in a file, read back by a second store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autodev-sqlite-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let run = 0;
  let path = '';
  itAnswersLikeTheMemoryStore(() => openSqliteStore({ path: (path = join(dir, `model-${run++}.db`)) }), { numRuns: 40, reopen: () => openSqliteStore({ path }) });
});
