export { DEFAULT_MAX_RESPONSE_BYTES, openHttpStore, type HttpMetricStore, type HttpStoreOptions } from './open-http-store.js';
export { openStore, TOKEN_ENV } from './open-store.js';
export { HttpStoreError, HttpStoreErrorCode, isHttpStoreError, type HttpStoreErrorDetails } from './errors.js';
