// Model check: random append/query sequences with hostile strings and values (NUL, lone surrogates,
// extreme doubles) read back through the JSON Lines file exactly like the reference memory store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import { afterAll } from 'vitest';
import { openFileStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'autodev-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let run = 0;

let path = '';

// With reopen: what was written to the file is read back by a second store, not answered from the first one's memory.
itAnswersLikeTheMemoryStore(() => openFileStore({ path: (path = join(dir, `model-${run++}.jsonl`)) }), { numRuns: 100, reopen: () => openFileStore({ path }) });
