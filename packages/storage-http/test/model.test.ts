// Model check: random append/query sequences with hostile strings and values (NUL, lone surrogates,
// extreme doubles) round-trip through JSON over HTTP exactly like the reference memory store.
import { itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import { openHttpStore } from '../src/index.js';
import { startCollector } from './helpers.js';

itAnswersLikeTheMemoryStore(
  async () => {
    const collector = await startCollector();
    const store = await openHttpStore({ url: collector.url });
    // The check closes the store it opened; close the collector with it.
    return {
      ...store,
      close: async () => {
        await store.close();
        await collector.stop();
      },
    };
  },
  { numRuns: 100 },
);
