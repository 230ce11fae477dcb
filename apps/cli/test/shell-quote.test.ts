import { describe, expect, it } from 'vitest';
import { shellQuote } from '../src/commands/run.js';

describe('shellQuote (how autodev run names a failed command)', () => {
  it('keeps argument boundaries, as a POSIX shell would read them back', () => {
    expect(shellQuote(['sh', '-c', 'exit 3'])).toBe("sh -c 'exit 3'");
    expect(shellQuote(['npm', 'run', 'build:prod', '--', '--out=dist/a,b'])).toBe('npm run build:prod -- --out=dist/a,b');
    expect(shellQuote(['echo', "it's", '', 'a$b', 'ü'])).toBe(`echo 'it'\\''s' '' 'a$b' 'ü'`);
  });
});
