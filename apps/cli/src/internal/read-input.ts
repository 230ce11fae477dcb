import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { createProgress } from '../output/progress.js';

/** Files above this size show a progress line while they are read (on a TTY). */
const PROGRESS_THRESHOLD_BYTES = 4 * 1024 * 1024;

/**
 * Reads a UTF-8 input file (a report, a policy, a snapshot), with a progress line for big files on a TTY.
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
        hint: /[*?[]/.test(file) ? 'the glob matched no file; run the tool that writes the report first' : 'check the path (relative to the current directory) and that the tool wrote the report',
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
    return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new CliError('BAD_INPUT', `cannot read ${what} ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    progress.done();
  }
}
