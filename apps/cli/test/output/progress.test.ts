import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/output/progress.js';

const fakeStream = () => {
  const writes: string[] = [];
  return { writes, stream: { isTTY: true, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream };
};

describe('createProgress', () => {
  it('draws a percentage at most every 80 ms and clears its line when done', () => {
    const { writes, stream } = fakeStream();
    let t = 1000;
    const p = createProgress('reading big.xml', 200, { stream, enabled: true, now: () => t });
    p.update(50);
    p.update(60); // same instant: not redrawn
    t += 100;
    p.update(100);
    p.done();
    p.done();
    expect(writes).toHaveLength(3);
    // eslint-disable-next-line no-control-regex
    expect(writes[0]).toMatch(/^\r. reading big\.xml 25%\u001b\[K$/);
    expect(writes[1]).toMatch(/ 50%/);
    expect(writes[2]).toBe('\r\u001b[K');
  });

  it('writes nothing when disabled (not a TTY, or --quiet)', () => {
    const { writes, stream } = fakeStream();
    const p = createProgress('x', 10, { stream, enabled: false });
    p.update(5);
    p.done();
    expect(writes).toEqual([]);
  });
});
