import { main } from './main.js';

// `autodev demo | head`: once the reader has left, stdout's writes fail with EPIPE, emitted as an
// 'error' event that would crash the process with a stack trace before commands finish their cleanup
// (the demo's temporary store). The output nobody reads is dropped; the command ends normally.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

process.exitCode = await main(process.argv);
