export {
  createMetricsServer,
  DEFAULT_INSIGHTS_MAX_AGE_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_SESSION_MAX_AGE_SECONDS,
  type ListenOptions,
  type MetricsServer,
  type MetricsServerOptions,
  type ServerInsightOptions,
} from './create-metrics-server.js';
export { HTTP_STATUS, isMetricsServerError, MetricsServerError, ServerErrorCode } from './errors.js';
