import { createMemoryStore } from '../../src/memory-store.js';
import { describeMetricStoreContract } from '../../src/testing/index.js';

// learning runs its own contract suite on the reference store (STYLE.md §4).
describeMetricStoreContract('memory', async () => ({ store: createMemoryStore() }));
