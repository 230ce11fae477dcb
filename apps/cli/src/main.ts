import type { CommanderError } from 'commander';
import { ExitCode, isCliError } from './errors.js';
import { createProgram, type RunState } from './program.js';
import type { Streams } from './context.js';

interface LearningLikeError extends Error {
  code: string;
}
const isLearningLike = (e: unknown): e is LearningLikeError => e instanceof Error && e.name === 'LearningError' && typeof (e as { code?: unknown }).code === 'string';
const isCommanderError = (e: unknown): e is CommanderError => e instanceof Error && e.name === 'CommanderError' && typeof (e as { code?: unknown }).code === 'string';

// What to do about each typed error of @autodev/learning and its backends.
const LEARNING_HINTS: Readonly<Record<string, string>> = {
  INVALID_RECORD: 'fix the value named above and run the command again; nothing was written',
  INVALID_ARGUMENT: 'fix the option named above; run the command with --help for the accepted values',
  STORE_CORRUPT: 'the store was not changed. Repair or delete the line named above (keep a copy first), then run the command again',
  STORE_VERSION: 'the store was written by a newer autodev; upgrade @autodev/cli (npm install -D @autodev/cli@latest)',
  STORE_IO: 'check that the store path is a writable file (not a directory) and the disk is not full, or pass --store <path>',
  STORE_CLOSED: 'this is a bug in autodev; please report it with the command you ran',
};

// What to do when an `http(s)://` store fails: its STORE_IO carries an HttpStoreError (of
// @autodev/storage-http) in `cause`, whose `code` says what went wrong on the wire.
const HTTP_STORE_HINTS: Readonly<Record<string, string>> = {
  UNAUTHORIZED: 'nothing was sent; in CI, keep the token as a secret and expose it to this step as AUTODEV_TOKEN',
  NETWORK: 'start the collector (autodev serve), or fix the URL in --store / AUTODEV_STORE',
  TIMEOUT: 'the collector did not answer in time: what was sent may or may not be stored (look with `autodev trends` before sending it again)',
  HTTP_STATUS: 'the collector refused the request; its own output may say more',
  BAD_RESPONSE: '--store must be the base URL of an autodev collector (autodev serve), such as http://metrics.internal:8787',
  RESPONSE_TOO_LARGE: 'the answer was larger than the client accepts: narrow it (--metric, --from/--to, --window) or run the command on the collector host against its store',
  PROXY: 'fix or unset HTTPS_PROXY / HTTP_PROXY, or list the collector host in NO_PROXY (the message above names the proxy and where its setting came from)',
};

const httpStoreCode = (e: Error): string | undefined => {
  const cause: unknown = e.cause;
  if (!(cause instanceof Error) || cause.name !== 'HttpStoreError') return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

const reported = new WeakSet<object>();
/** True when `reportError` has already printed this error (cli.ts must not print a failed stdout write twice). */
export const wasReported = (e: object): boolean => reported.has(e);

/** True for a failed write to a file or stream (ENOSPC, EIO, EBADF…): Node's errors name the system call. */
export const isOutputError = (e: Error): boolean => (e as { syscall?: unknown }).syscall === 'write' && typeof (e as { code?: unknown }).code === 'string';

/**
 * Turns any error into what the user sees on stderr and the exit code: 1 for a failed check, 2 for
 * everything else (bad usage, bad input, store problems). Stack traces only with `debug`. `storeKind` is the
 * kind of store the command used, when known: the file store's STORE_IO advice is not given for a plugin store.
 */
export function reportError(e: unknown, debug: boolean, stderr: Streams['stderr'], storeKind?: 'file' | 'plugin'): number {
  if (typeof e === 'object' && e !== null) reported.add(e);
  const write = (s: string) => void stderr.write(s.endsWith('\n') ? s : s + '\n');
  if (isCommanderError(e)) {
    // Commander has already printed its message (or the help / version text).
    // `autodev` alone prints the help as an error (commander.help): that is bad usage, exit 2.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.OK;
    return ExitCode.USAGE;
  }
  if (isCliError(e)) {
    if (e.message !== '') write(`autodev: ${e.code === 'CHECK_FAILED' ? '' : 'error: '}${e.message}`);
    if (e.hint) write(`  ${e.hint}`);
    if (debug && e.stack) write(e.stack);
    return e.exitCode;
  }
  if (isLearningLike(e)) {
    write(`autodev: error: ${e.message} [${e.code}]`);
    const httpCode = httpStoreCode(e);
    // STORE_IO's generic hint is about the file store. Plugin backends (SQLite, PostgreSQL) say what to do in
    // their own messages (permissions, locks, the server, the login); http(s) stores get the hints above.
    const generic = e.code === 'STORE_IO' && storeKind === 'plugin' ? undefined : LEARNING_HINTS[e.code];
    const hint = (httpCode === undefined ? undefined : HTTP_STORE_HINTS[httpCode]) ?? generic;
    if (hint) write(`  ${hint}`);
    if (debug && e.stack) write(e.stack);
    return ExitCode.USAGE;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  if (code === 'EPIPE') return ExitCode.OK; // `autodev export | head`: the reader left; not an error
  if (isOutputError(err)) {
    // The data could not be written (a full disk behind `> file` or --output): a problem of the machine, not a bug.
    write(`autodev: error: cannot write the output: ${err.message}${typeof code === 'string' ? ` [${code}]` : ''}`);
    write('  check the free space and permissions where stdout (or --output) goes, then run the command again');
    if (debug) write(err.stack ?? '');
    return ExitCode.USAGE;
  }
  write(`autodev: error: ${err.message}${typeof code === 'string' ? ` [${code}]` : ''}`);
  if (debug) write(err.stack ?? '');
  else write('  run again with --debug to see where it happened; if it looks like a bug in autodev, please report it');
  return ExitCode.USAGE;
}

/**
 * Runs the CLI on `argv` (as `process.argv`) and resolves to the exit code; never throws.
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const state: RunState = { exitCode: ExitCode.OK };
  const debug = argv.includes('--debug') || (process.env.AUTODEV_DEBUG !== undefined && process.env.AUTODEV_DEBUG !== '');
  try {
    const program = createProgram(state, streams);
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (e) {
    return reportError(e, debug, streams.stderr, state.storeKind?.());
  }
}
