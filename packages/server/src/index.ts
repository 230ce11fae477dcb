export {
  createMetricsServer,
  DEFAULT_INSIGHTS_MAX_AGE_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_REPLAY_BYTES,
  DEFAULT_REPLAY_EVENTS,
  DEFAULT_SESSION_MAX_AGE_SECONDS,
  type ListenOptions,
  type MetricsServer,
  type MetricsServerOptions,
  type ServerInsightOptions,
} from './create-metrics-server.js';
export { HTTP_STATUS, isMetricsServerError, MetricsServerError, ServerErrorCode } from './errors.js';
// The listen rules, for callers that check them before doing anything else (the CLI, before opening a store).
export { isLoopbackHost, isUsableToken } from './internal/auth.js';
