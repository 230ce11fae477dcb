/** A one-line progress indicator on stderr. */
export interface Progress {
  /** Sets the current amount done (same unit as `total`). */
  update(done: number): void;
  /** Removes the line. Safe to call twice. */
  done(): void;
}

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const noop: Progress = { update() {}, done() {} };

/**
 * A progress line for long reads, drawn only when `stream` is a TTY (and not `--quiet`): CI logs stay
 * clean. Redraws at most every 80 ms; `total` in bytes shows a percentage.
 */
export function createProgress(
  label: string,
  total: number,
  { stream = process.stderr, enabled = stream.isTTY === true, now = Date.now }: { stream?: NodeJS.WriteStream; enabled?: boolean; now?: () => number } = {},
): Progress {
  if (!enabled) return noop;
  let last = 0;
  let frame = 0;
  let shown = false;
  const draw = (done: number) => {
    const pct = total > 0 ? ` ${Math.min(100, Math.floor((done / total) * 100))}%` : '';
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}${pct}\u001b[K`);
    shown = true;
  };
  return {
    update(done) {
      const t = now();
      if (t - last < 80) return;
      last = t;
      draw(done);
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
      shown = false;
    },
  };
}
