/**
 * Exit codes of `autodev`, the contract CI scripts rely on.
 * - `OK` (0): the command did what was asked.
 * - `CHECK_FAILED` (1): a `check` found a budget breach, regression or anomaly it was told to fail on.
 * - `USAGE` (2): bad arguments, bad input files, or an unreadable store; the message says what to fix.
 */
export const ExitCode = { OK: 0, CHECK_FAILED: 1, USAGE: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Stable error codes of the CLI. Codes are API (tests and wrappers match on them); messages may change.
 */
export const CliErrorCode = {
  /** An argument or option is missing, malformed or out of range. */
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  /** An input file (report, policy, snapshot) is missing or unreadable. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** An input file was read but its content is not what the command expects. */
  BAD_INPUT: 'BAD_INPUT',
  /** The store URL names a backend package that is not installed. */
  STORE_PLUGIN_MISSING: 'STORE_PLUGIN_MISSING',
  /** A command needs an optional package that is not installed (`serve` needs `@autodev/server`). */
  PACKAGE_MISSING: 'PACKAGE_MISSING',
  /** The store could not be opened or read (corrupt data, I/O error, bad URL). */
  STORE_ERROR: 'STORE_ERROR',
  /** A `check` failed; exit code 1. */
  CHECK_FAILED: 'CHECK_FAILED',
  /** The command given to `autodev run` could not be started. */
  SPAWN_FAILED: 'SPAWN_FAILED',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/**
 * The one error class of `@autodev/cli`. The top-level handler prints `message` (and `hint`) and exits
 * with `exitCode`; a stack trace is shown only with `--debug`.
 * @example
 * throw new CliError('BAD_ARGUMENT', '--window must be a whole number >= 2, got "abc"');
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** The process exit code this error maps to (2 unless the code is CHECK_FAILED or given). */
  readonly exitCode: number;
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: ErrorOptions & { hint?: string; exitCode?: number },
  ) {
    super(message, options);
    this.hint = options?.hint;
    this.exitCode = options?.exitCode ?? (code === 'CHECK_FAILED' ? ExitCode.CHECK_FAILED : ExitCode.USAGE);
  }
  /** A second line telling the user what to do next, printed after the message. */
  readonly hint: string | undefined;
}

/** True for a `CliError` from any loaded copy of this package. */
export const isCliError = (e: unknown): e is CliError => e instanceof Error && e.name === 'CliError' && 'code' in e && 'exitCode' in e;
