import { createMemoryStore, type MetricStore } from '@autodev/learning';
import { createMetricsServer, type MetricsServer, type MetricsServerOptions } from '@autodev/server';

/** A collector over a fresh memory store (or the given one) on an ephemeral loopback port. */
export async function startCollector(options: Partial<MetricsServerOptions> = {}): Promise<{ url: string; server: MetricsServer; backing: MetricStore; stop: () => Promise<void> }> {
  const backing = options.store ?? createMemoryStore();
  const server = createMetricsServer({ ...options, store: backing });
  const url = await server.listen({ port: 0 });
  return {
    url,
    server,
    backing,
    stop: async () => {
      await server.close();
      await backing.close();
    },
  };
}
