export { LearningError, LearningErrorCode, isLearningError } from './errors.js';
export {
  MAX_METADATA_DEPTH,
  MAX_METADATA_JSON_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  validateMetadata,
  validateMetricName,
  validateRecord,
  parseIsoTimestamp,
  validateTimestamp,
  type JsonValue,
  type Metadata,
  type MetricRecord,
  type MetricRecordInput,
} from './record.js';
export { assertStorableRecord, createMissingStore, jsonEqual, matchesQuery, runQuery, validateQuery, type MetricQuery, type MetricStore, type OpenStoreOptions } from './store.js';
export { rejectUnknownKeys, type UnknownKeyOptions } from './options.js';
export { createMemoryStore } from './memory-store.js';
export * from './stats/index.js';
export { analyzeSeries, EXACT_SLOPE_MAX_POINTS, MIN_TREND_POINTS, type AnalyzeSeriesOptions, type TrendAnalysis } from './trends.js';
export {
  MetricsTracker,
  type AnalyzeTrendsOptions,
  type GenerateInsightsOptions,
  type MetricsTrackerOptions,
  type RecordMetricOptions,
  type Where,
} from './metrics-tracker.js';
export * from './detection/index.js';
export * from './insights/index.js';
