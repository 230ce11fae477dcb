import { ExitCode } from './errors.js';
import { main, reportError, wasReported } from './main.js';

// `autodev demo | head`: once the reader has left, stdout's writes fail with EPIPE, emitted as an
// 'error' event that would crash the process with a stack trace before commands finish their cleanup
// (the demo's temporary store). The output nobody reads is dropped; the command ends normally.
// Any other failed write (`autodev export > file` on a full disk: ENOSPC) is an error of exit code 2 with one
// message; rethrown here it was an uncaught exception with a stack trace and exit code 1, a "failed check" to CI.
let finished = false;
let failed: { error: NodeJS.ErrnoException; onStdout: boolean } | undefined;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || failed !== undefined) return;
    failed = { error: e, onStdout: stream === process.stdout };
    if (finished) outputFailed(failed.error, failed.onStdout);
  });
}

/** Exit 2 for output that was not written, with one message (stderr failing cannot be reported on stderr). */
function outputFailed(e: NodeJS.ErrnoException, onStdout: boolean): void {
  if (onStdout && !wasReported(e)) reportError(e, process.argv.includes('--debug'), process.stderr);
  process.exitCode = ExitCode.USAGE;
}

process.exitCode = await main(process.argv);
finished = true;
if (failed !== undefined) outputFailed(failed.error, failed.onStdout);
