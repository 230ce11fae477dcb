import { describe, expect, it } from 'vitest';
import { startMemorySampler } from '../src/internal/peak-memory.js';

describe('startMemorySampler', () => {
  it.runIf(process.platform === 'linux')('takes no sample at start, when a just-spawned command is still being exec\'d', () => {
    // At spawn time /proc shows the child with 12–20 KiB resident; a command that ended before the first interval was
    // recorded with that as its peak memory. The first sample now waits for the interval.
    const s = startMemorySampler(process.pid, 60_000);
    expect(s.stop()).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('measures the process (tree) when it samples', () => {
    const s = startMemorySampler(process.pid, 60_000);
    s.sample();
    // This test process holds far more than 1 MiB; the value is KiB.
    expect(s.stop()).toBeGreaterThan(1024);
  });

  it('measures nothing where there is no /proc', () => {
    const s = startMemorySampler(process.pid, 20, 'darwin');
    s.sample();
    expect(s.stop()).toBeUndefined();
  });
});
