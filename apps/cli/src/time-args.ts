// Kept apart from args.ts, which every command loads at start-up: this one loads @autodev/learning, which only
// the commands that take a time (--at, --from, --to) need.
import { parseIsoTimestamp } from '@autodev/learning';
import { CliError } from './errors.js';

/**
 * Parses a time: ISO-8601 (`2026-01-31T12:00:00Z`, `2026-01-31`, or a date and time without a zone, read as
 * local time) or epoch milliseconds.
 * @throws {CliError} BAD_ARGUMENT naming the option.
 */
export function parseTime(what: string, raw: string): number {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    // Past 2^53 epoch digits are rounded (99999999999999999 would become 1e17), so say so here rather than later.
    if (!Number.isSafeInteger(ms)) throw new CliError('BAD_ARGUMENT', `${what} must be an ISO-8601 time such as 2026-01-31T12:00:00Z or epoch milliseconds, got ${JSON.stringify(raw)}`);
    return ms;
  }
  // Strict ISO-8601 (learning's parser): not "March 7" or 2026-02-30; a time without a zone is this machine's local time.
  const parsed = parseIsoTimestamp(text, { localTime: true });
  if (typeof parsed === 'string') throw new CliError('BAD_ARGUMENT', `${what} must be an ISO-8601 time such as 2026-01-31T12:00:00Z or epoch milliseconds: ${parsed}`);
  return parsed;
}
