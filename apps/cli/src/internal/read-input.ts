import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { createProgress } from '../output/progress.js';

/** Files above this size show a progress line while they are read (on a TTY). */
const PROGRESS_THRESHOLD_BYTES = 4 * 1024 * 1024;

/**
 * Decodes a report as text: UTF-8 (its byte order mark dropped), or UTF-16 when the file starts with a UTF-16 byte
 * order mark, which is what Windows PowerShell 5 writes for `eslint -f json > eslint.json` or `Out-File`. Read as
 * UTF-8, such a file was an unreadable "char '\uFFFD' is not expected" / "not valid JSON" error.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    // Big-endian: swap each pair of bytes (a copy; a trailing odd byte is dropped) and decode as little-endian.
    const le = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return le.swap16().toString('utf16le');
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Reads a UTF-8 (or UTF-16 with a byte order mark) input file (a report, a policy, a snapshot), with a progress line for big files on a TTY.
 * @throws {CliError} FILE_NOT_FOUND when it does not exist (with a note about unmatched globs);
 * BAD_ARGUMENT when it is a directory; BAD_INPUT when it cannot be read.
 */
export async function readInput(ctx: CommandContext, file: string, what = 'file'): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new CliError('BAD_ARGUMENT', `${file} is a directory; pass the ${what} inside it`);
    size = st.size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT')
      throw new CliError('FILE_NOT_FOUND', `${what} ${file} does not exist`, {
        // A policy or records file is written by people, not by a tool: the report advice would mislead there.
        hint: /[*?[]/.test(file)
          ? 'the glob matched no file; run the tool that writes the report first'
          : /report|snapshot/.test(what)
            ? 'check the path (relative to the current directory) and that the tool wrote the report'
            : 'check the path (relative to the current directory)',
      });
    if (e instanceof CliError) throw e;
    throw new CliError('BAD_INPUT', `cannot read ${what} ${file}: ${(e as Error).message}`, { cause: e });
  }
  const progress = createProgress(`reading ${file}`, size, { stream: process.stderr, enabled: size >= PROGRESS_THRESHOLD_BYTES && !ctx.options.quiet && process.stderr.isTTY === true });
  try {
    const chunks: Buffer[] = [];
    let done = 0;
    for await (const chunk of createReadStream(file)) {
      chunks.push(chunk as Buffer);
      done += (chunk as Buffer).length;
      progress.update(done);
    }
    return decodeText(Buffer.concat(chunks));
  } catch (e) {
    throw new CliError('BAD_INPUT', `cannot read ${what} ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    progress.done();
  }
}
