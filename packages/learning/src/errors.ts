/**
 * Stable error codes of `@autodev/learning` and of every storage backend.
 * Codes are API: adding one is a minor change, renaming or reusing one is major.
 * Messages may change in a patch, so match on `code`, never on the text.
 */
export const LearningErrorCode = {
  /** A record (name, value, timestamp or metadata) was rejected before anything was written. */
  INVALID_RECORD: 'INVALID_RECORD',
  /** An argument or option other than a record was out of range (window size, query, policy...). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The store was used after `close()`. */
  STORE_CLOSED: 'STORE_CLOSED',
  /** Stored data could not be read; the message names the file (or table) and the line (or row). */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** Stored data was written by a newer, unknown format version; upgrade the package that reads it. */
  STORE_VERSION: 'STORE_VERSION',
  /** The backend's I/O failed; see `cause` for the driver's error. */
  STORE_IO: 'STORE_IO',
} as const;
export type LearningErrorCode = (typeof LearningErrorCode)[keyof typeof LearningErrorCode];

/** The one error class of `@autodev/learning`; backends throw it too, wrapping driver errors in `cause`. */
export class LearningError extends Error {
  override readonly name = 'LearningError';
  constructor(
    readonly code: LearningErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for errors from any loaded copy of this package (ESM and CJS builds), where `instanceof` is not. */
export const isLearningError = (e: unknown): e is LearningError =>
  e instanceof Error && e.name === 'LearningError' && 'code' in e;
