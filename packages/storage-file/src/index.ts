export { openFileStore, type CompactResult, type FileMetricStore, type FileStoreOptions, type FileStoreWarning } from './open-file-store.js';
export { FORMAT_NAME, FORMAT_VERSION } from './internal/format.js';
