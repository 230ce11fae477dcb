// ESLint, monitor and records files whose error messages echoed raw control characters, lacked a hint, or whose totals
// overflowed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecordsFile } from '../../src/commands/import.js';
import { parseEslint } from '../../src/parsers/eslint.js';
import { parseMonitorSnapshot } from '../../src/parsers/monitor.js';
import { printable } from '../../src/parsers/text.js';
import { fixture } from '../helpers.js';
import { refusal } from './report-inputs.js';

describe('ESLint, monitor and records: messages and totals', () => {
  it('ESLint: the JSON error quotes the file printably; totals beyond 2^53 are refused', async () => {
    const e = await refusal(() => parseEslint('[\u001b[2J]', 'e.json'), 'e.json');
    expect(e.message).toContain("Unexpected token '\\u001b'");
    const big = JSON.stringify([0, 1].map((i) => ({ filePath: `f${i}.js`, messages: [], errorCount: Number.MAX_SAFE_INTEGER, warningCount: 0 })));
    expect((await refusal(() => parseEslint(big, 'e.json'), 'e.json')).message).toBe('e.json: the entries add up to 18014398509481982 errors, more than can be counted exactly');
    expect((await refusal(() => parseEslint('{"results":{}}', 'e.json'), 'e.json')).hint).toMatch(/eslint -f json -o eslint\.json/);
  });

  it('monitor: two operation names that clash are quoted printably, with what to do', async () => {
    const snap = JSON.parse(readFileSync(fixture('monitor-snapshot.json'), 'utf8')) as { operations: Record<string, unknown> };
    snap.operations['get\u001b/users'] = snap.operations['GET /users'];
    const e = await refusal(() => parseMonitorSnapshot(JSON.stringify(snap), 'm.json'), 'm.json');
    expect(e.message).toBe('m.json: operations "GET /users" and "get\\u001b/users" both map to the metric suffix "get_users"');
    expect(e.hint).toMatch(/rename one/);
  });

  it('records: a bad line is named and quoted printably', async () => {
    const e = await refusal(() => parseRecordsFile('{"name":"a","value":1,"timestamp":1}\n\u001b]0;pwned\u0007\n', 'r.jsonl'), 'r.jsonl');
    expect(e.message).toMatch(/^r\.jsonl:2: not a JSON record: Unexpected token '\\u001b'/);
  });

  it('printable escapes control characters, bidi overrides and lone surrogates, and keeps the rest', () => {
    expect(printable('a\tb\nc\r\u0000\u001b[1m\u009b\u202e\ud800 é 😀')).toBe('a\tb\\nc\\r\\0\\u001b[1m\\u009b\\u202e\\ud800 é 😀');
  });
});

