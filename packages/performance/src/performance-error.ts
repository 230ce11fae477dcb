/**
 * Stable error codes of `@autodev/performance`.
 * Codes are API: adding one is a minor change, renaming or reusing one is major.
 * Messages may change in a patch, so match on `code`, never on the text.
 */
export const PerformanceErrorCode = {
  /** An argument or option was out of range: a NaN or negative duration, an empty name, `maxSize < 1`, `batchSize < 1`... */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** `merge()` was given something that is not a version-1 or version-2 snapshot (or of another sketch layout); `field` names the bad field. */
  INVALID_SNAPSHOT: 'INVALID_SNAPSHOT',
} as const;
/** One of the {@link PerformanceErrorCode} values. */
export type PerformanceErrorCode = (typeof PerformanceErrorCode)[keyof typeof PerformanceErrorCode];

/**
 * The one error class of `@autodev/performance`. `timed` and `cached` never throw it for a
 * monitoring problem: they rethrow the wrapped function's own error unchanged.
 *
 * @example
 * ```ts
 * try { new SimpleCache(0); } catch (e) { if (isPerformanceError(e)) console.log(e.code); } // INVALID_ARGUMENT
 * ```
 * @see isPerformanceError
 */
export class PerformanceError extends Error {
  override readonly name = 'PerformanceError';
  /**
   * For `INVALID_SNAPSHOT`: the path of the first missing or malformed field, such as
   * `operations["db"].sketch.zeroCount` (`undefined` when the whole value is wrong).
   */
  readonly field: string | undefined;
  constructor(
    readonly code: PerformanceErrorCode,
    message: string,
    options?: ErrorOptions & { field?: string },
  ) {
    super(message, options);
    this.field = options?.field;
  }
}

/**
 * True for errors from any loaded copy of this package (ESM and CJS builds), where `instanceof` is not.
 *
 * @example
 * ```ts
 * if (isPerformanceError(e) && e.code === 'INVALID_ARGUMENT') { ... }
 * ```
 */
export const isPerformanceError = (e: unknown): e is PerformanceError =>
  e instanceof Error && e.name === 'PerformanceError' && 'code' in e;

/** @internal Throws INVALID_ARGUMENT with a message that says what to fix. */
export function invalidArgument(message: string): never {
  throw new PerformanceError(PerformanceErrorCode.INVALID_ARGUMENT, message);
}
