import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/internal/read-input.js';
import { cli, useTempDir } from './helpers.js';

const tmp = useTempDir();
const text = '[{"filePath":"/p/a.ts","errorCount":2,"warningCount":1,"messages":[]}] é 🚀';

describe('decodeText', () => {
  it('reads UTF-8 with or without a byte order mark', () => {
    expect(decodeText(Buffer.from(text, 'utf8'))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toBe(text);
  });

  it('reads UTF-16 little- and big-endian files that start with a byte order mark (Windows PowerShell 5 redirection)', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeText(le)).toBe(text);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(decodeText(be)).toBe(text);
  });
});

describe('import of a UTF-16 report', () => {
  it('records the same values as from its UTF-8 form', () => {
    const dir = tmp();
    const eslint = `\uFEFF${JSON.stringify([{ filePath: '/p/a.ts', errorCount: 2, warningCount: 1, messages: [] }])}`;
    writeFileSync(join(dir, 'eslint.json'), Buffer.from(eslint, 'utf16le'));
    const r = cli(['import', 'eslint', 'eslint.json', '--dry-run', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ name: 'lint_errors', value: 2 }, { name: 'lint_warnings', value: 1 }]);
    const junit = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>\n<testsuite name="s" tests="3" time="1.5"/>`, 'utf16le')]);
    writeFileSync(join(dir, 'junit.xml'), junit);
    const j = cli(['import', 'junit', 'junit.xml', '--dry-run', '--json'], { cwd: dir });
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout).slice(0, 2)).toMatchObject([{ name: 'test_duration', value: 1.5 }, { name: 'tests', value: 3 }]);
  });
});
