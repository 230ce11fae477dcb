import type { JsonValue, MetricRecord, MetricsTracker } from '@autodev/learning';

/** The subset of a tracker the insight engine reads (its `InsightTracker`). */
export interface EngineTracker {
  getMetrics(name?: string): Promise<readonly MetricRecord[]>;
  analyzeTrends(name: string, options?: { windowSize?: number; where?: Record<string, JsonValue> }): Promise<unknown>;
  names(): Promise<readonly string[]>;
}

/**
 * A view of a tracker restricted to records whose metadata matches `where` (`--where branch=main`), so
 * the insight engine analyses only that slice of the history.
 */
export function filteredTracker(tracker: MetricsTracker, where: Record<string, JsonValue>): EngineTracker {
  if (Object.keys(where).length === 0) return tracker;
  return {
    getMetrics: (name?: string) => tracker.getMetrics(name, { where }),
    analyzeTrends: (name, options) => tracker.analyzeTrends(name, { ...options, where: { ...options?.where, ...where } }),
    async names() {
      const out: string[] = [];
      for (const n of await tracker.names()) if ((await tracker.getMetrics(n, { where, limit: 1 })).length > 0) out.push(n);
      return out;
    },
  };
}
