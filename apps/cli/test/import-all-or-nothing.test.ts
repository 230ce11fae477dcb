// `autodev import <format> <file>` run in-process on damaged reports against a store that already holds records:
// exit 0 and the store grows by the new records only, or exit 2 with one message naming the file and what to fix,
// no stack trace, and the store unchanged byte for byte.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { cli, fixture, storeLines } from './helpers.js';
import { damagedBytes, type Format } from './parsers/report-inputs.js';

const seed = process.env.AUTODEV_FUZZ_SEED === undefined ? 20261127 : Number(process.env.AUTODEV_FUZZ_SEED);
const runs = Number(process.env.AUTODEV_FUZZ_RUNS ?? 40);

let dir = '';
let store = '';
let before: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'autodev-import-atomic-'));
  store = join(dir, 'metrics.jsonl');
  for (const [name, value, at] of [['build_time', '12.5', '2026-01-30T10:00:00Z'], ['coverage_percent', '81.25', '2026-01-31T10:00:00Z']] as const)
    expect((await run(['record', name, value, '--at', at])).code).toBe(0);
  before = readFileSync(store);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const sink = (write: (s: string) => void) => ({ write: (s: string | Uint8Array) => (write(String(s)), true) }) as unknown as NodeJS.WritableStream;
  // Records keep their own metadata: `import records` has no --no-ci-meta.
  const ciMeta = args[1] === 'records' ? [] : ['--no-ci-meta'];
  const code = await main(['node', 'autodev', ...args, '--store', store, ...ciMeta], { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  return { code, stdout, stderr };
}

/** Imports `bytes` as `format` and checks the outcome; restores the store after a successful import. */
async function importChecked(format: Format, bytes: Buffer, file: string): Promise<'ok' | 'refused'> {
  writeFileSync(file, bytes);
  const r = await run(['import', format, file]);
  const after = readFileSync(store);
  if (r.code === 0) {
    // Appended only: what the store held is still there, byte for byte.
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
    writeFileSync(store, before);
    return 'ok';
  }
  expect(r.code, r.stderr).toBe(2);
  expect(after.equals(before), 'a failed import changed the store').toBe(true);
  const lines = r.stderr.trimEnd().split('\n');
  // The message and its hint: no stack trace, no "run again with --debug" (the sign of an untyped error).
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]!.startsWith(`autodev: error: ${file}`), r.stderr).toBe(true);
  expect(lines[1], r.stderr).toMatch(/^ {2}\S/);
  expect(r.stderr).not.toMatch(/--debug|\n\s+at /);
  expect(r.stdout).toBe('');
  return 'refused';
}

describe.each(['junit', 'coverage', 'eslint', 'monitor', 'records'] as const)('autodev import %s', (format) => {
  it('damaged reports: a clean import, or exit 2 with one message naming the file and the store unchanged byte for byte', async () => {
    const file = join(dir, `report-${format}.dat`);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damagedBytes(format), async (bytes) => {
        seen.add(await importChecked(format, bytes, file));
      }),
      { seed, numRuns: runs },
    );
    expect(seen).toContain('refused');
  });
});

describe('all or nothing', () => {
  it('import junit of several files writes nothing when the last one is broken, and creates no store', async () => {
    const good = fixture('junit-vitest.xml');
    const bad = join(dir, 'TEST-broken.xml');
    writeFileSync(bad, '<testsuite name="b" tests="1e308"/>');
    const r = await run(['import', 'junit', good, good, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: <testsuite name="b"> has tests="1e308", not a number of tests (a whole number >= 0)`);
    expect(readFileSync(store).equals(before)).toBe(true);

    const fresh = join(dir, 'never-created.jsonl');
    const code = await main(['node', 'autodev', 'import', 'junit', bad, '--store', fresh], { stdout: process.stdout, stderr: { write: () => true } as unknown as NodeJS.WritableStream });
    expect(code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });

  it('totals summed over several files that overflow are refused naming the files, not recorded as Infinity', async () => {
    const a = join(dir, 'TEST-a.xml');
    const b = join(dir, 'TEST-b.xml');
    writeFileSync(a, '<testsuite name="a" tests="1" time="1e308"/>');
    writeFileSync(b, '<testsuite name="b" tests="1" time="1e308"/>');
    const r = await run(['import', 'junit', a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${a}, ${b}: the suites' times add up to more than a finite number of seconds`);
    expect(readFileSync(store).equals(before)).toBe(true);
  });

  it('the built CLI: billion laughs are not expanded (the suite keeps the name as written), an external entity is not fetched', () => {
    writeFileSync(join(dir, 'lol.xml'), billionLaughs);
    const r = cli(['import', 'junit', 'lol.xml', '--per-suite', '--dry-run', '--json', '--store', store], { cwd: dir, timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const records = JSON.parse(r.stdout) as { name: string; value: number; metadata: { suite?: string } }[];
    expect(records.find((x) => x.name === 'test_duration_suite')?.metadata.suite).toBe('&lol9;');
    expect(records.find((x) => x.name === 'tests')?.value).toBe(1);

    writeFileSync(join(dir, 'xxe.xml'), '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite name="&xxe;" tests="1"/>');
    const x = cli(['import', 'junit', 'xxe.xml', '--store', store], { cwd: dir });
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/^autodev: error: xxe\.xml: cannot read its <!DOCTYPE> declaration: External entities are not supported\n {2}remove the <!DOCTYPE …> declaration/);
    expect(readFileSync(store).equals(before)).toBe(true);
  });

  it('the built CLI: a deeply nested report, a broken summary and an ESC sequence each exit 2 with one message, no stack trace', () => {
    const cases: [string[], string, RegExp][] = [
      [['junit'], 'deep.xml', /deep\.xml: elements are nested more than 100 levels deep/],
      [['coverage'], 'summary.json', /summary\.json: total\.lines must be \{ "total": <number>, "covered": <number> \}/],
      [['eslint'], 'esc.json', /esc\.json: not valid JSON: Unexpected token '\\u001b'/],
    ];
    writeFileSync(join(dir, 'deep.xml'), `<testsuites>${'<testsuite name="n">'.repeat(5000)}${'</testsuite>'.repeat(5000)}</testsuites>`);
    writeFileSync(join(dir, 'summary.json'), '{"total":{"lines":null}}');
    writeFileSync(join(dir, 'esc.json'), '[\u001b[2J]');
    for (const [[format], name, message] of cases) {
      const r = cli(['import', format!, name, '--store', store], { cwd: dir });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
      expect(r.stderr).not.toMatch(/\n\s+at |--debug/);
      expect(r.stderr.includes('\u001b'), 'a raw ESC reached the terminal').toBe(false);
      expect(readFileSync(store).equals(before)).toBe(true);
    }
    // What was there is still read the same.
    expect(storeLines(readFileSync(store, 'utf8')).map((r) => r.name)).toEqual(['build_time', 'coverage_percent']);
  });
});

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuite name="&lol9;" tests="1" time="1"/>`;
