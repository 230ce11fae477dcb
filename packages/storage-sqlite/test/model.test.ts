// Model check: random append/query sequences with hostile strings and values give the same answers
// as the reference memory store.
import { itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import { openSqliteStore } from '../src/index.js';

itAnswersLikeTheMemoryStore(() => openSqliteStore({ path: ':memory:' }), { numRuns: 150 });
