// The shared MetricStore contract, run against a real collector (createMetricsServer over the memory store
// of @autodev/learning) listening on an ephemeral loopback port, once without and once with a token.
import { describeMetricStoreContract, type StoreFixture } from '@autodev/learning/testing';
import { openHttpStore } from '../src/index.js';
import { startCollector } from './helpers.js';

interface HttpFixture extends StoreFixture {
  url: string;
  token?: string;
}

for (const token of [undefined, 'contract-suite-token']) {
  describeMetricStoreContract<HttpFixture>(
    token ? 'http (with token)' : 'http',
    async () => {
      const collector = await startCollector(token ? { token } : {});
      const store = await openHttpStore({ url: collector.url, token });
      return { store, url: collector.url, token, dispose: collector.stop };
    },
    {
      // "Reopen" is a second client on the same collector: the records live in the server's store.
      reopen: async (f) => ({ ...f, store: await openHttpStore({ url: f.url, token: f.token }) }),
    },
  );
}
