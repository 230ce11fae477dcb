import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeXmlEntities, parseJUnit } from '../../src/parsers/junit.js';
import { fixture } from '../helpers.js';

const read = (f: string) => readFileSync(fixture(f), 'utf8');

describe('parseJUnit', () => {
  it('reads the report vitest wrote (--reporter=junit), with the run wall time from <testsuites>', () => {
    const r = parseJUnit(read('junit-vitest.xml'), 'junit-vitest.xml');
    expect(r).toMatchObject({ tests: 8, failures: 1, errors: 0, skipped: 1 });
    expect(r.time).toBeCloseTo(0.101545488, 9);
    expect(r.suites.map((s) => s.name)).toEqual(['math.test.js', 'slow.test.js']);
    expect(r.suites[1]!.time).toBeCloseTo(0.064115093, 9);
  });

  it('reads jest-junit output', () => {
    const r = parseJUnit(read('junit-jest.xml'), 'junit-jest.xml');
    expect(r).toMatchObject({ tests: 5, failures: 1, errors: 0, skipped: 1, time: 2.345 });
    expect(r.suites).toHaveLength(2);
  });

  it('reads pytest xunit2 (<testsuites> root) and legacy xunit1 (<testsuite> root, skips=)', () => {
    expect(parseJUnit(read('junit-pytest.xml'), 'p.xml')).toMatchObject({ tests: 6, failures: 1, errors: 1, skipped: 1, time: 3.127 });
    expect(parseJUnit(read('junit-pytest-xunit1-legacy.xml'), 'p.xml')).toMatchObject({ tests: 2, failures: 0, skipped: 0, time: 0.044 });
  });

  it('reads Maven Surefire reports, including a time written with a thousands separator', () => {
    const r = parseJUnit(read(join('surefire-reports', 'TEST-com.example.CartTest.xml')), 'cart.xml');
    expect(r).toMatchObject({ tests: 3, failures: 1, errors: 0, skipped: 1, time: 1204.5 });
  });

  it('counts testcases when a tool leaves out the suite attributes, and sums their times', () => {
    const xml = `<testsuite name="bare"><testcase name="a" time="0.5"/><testcase name="b" time="0.25"><failure/></testcase><testcase name="c"><skipped/></testcase><testcase name="d"><error/></testcase></testsuite>`;
    expect(parseJUnit(xml, 'bare.xml')).toMatchObject({ tests: 4, failures: 1, errors: 1, skipped: 1, time: 0.75 });
  });

  it('descends into nested suites', () => {
    const xml = `<testsuites><testsuite name="outer"><testsuite name="inner1" tests="1" time="1"/><testsuite name="inner2" tests="2" time="2"/></testsuite></testsuites>`;
    const r = parseJUnit(xml, 'nested.xml');
    expect(r.suites.map((s) => s.name)).toEqual(['inner1', 'inner2']);
    expect(r).toMatchObject({ tests: 3, time: 3 });
  });

  it('names file, line and column of malformed XML', () => {
    expect(() => parseJUnit(read('junit-truncated.xml'), 'junit-truncated.xml')).toThrow(/junit-truncated\.xml:\d+:\d+: not well-formed XML/);
    expect(() => parseJUnit('', 'empty.xml')).toThrow(/^empty\.xml: the file is empty, not JUnit XML$/);
    expect(() => parseJUnit('  \n', 'blank.xml')).toThrow(/^blank\.xml: the file is empty/);
    expect(() => parseJUnit('not xml at all', 'text.xml')).toThrow(/^text\.xml:\d+(:\d+)?: not well-formed XML: (?!.*undefined)/);
    let error: unknown;
    try {
      parseJUnit('<testsuites><testsuite></testsuites>', 'x.xml');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'BAD_INPUT', exitCode: 2 });
  });

  it('rejects XML that is not a JUnit report, naming the root element', () => {
    expect(() => parseJUnit('<coverage line-rate="0.5"></coverage>', 'cobertura.xml')).toThrow(/root element is <coverage>/);
  });

  it('decodes entities in suite names (jest-junit writes "api &amp; auth" for the suite "api & auth")', () => {
    const xml = `<testsuites><testsuite name="api &amp; auth &lt;v2&gt; &#x1F680;" tests="1" time="1"/><testsuite name="caf&#233;" tests="1" time="1"/></testsuites>`;
    expect(parseJUnit(xml, 'e.xml').suites.map((s) => s.name)).toEqual(['api & auth <v2> 🚀', 'café']);
    expect(decodeXmlEntities('a &unknown; b &#99999999;')).toBe('a &unknown; b &#99999999;');
  });

  it('refuses a negative, NaN or infinite time or count instead of recording it (or 0 in its place)', () => {
    const cases: [string, RegExp][] = [
      ['<testsuite name="s" tests="3" time="-5"/>', /n\.xml: <testsuite name="s"> has time="-5", not a number of seconds/],
      ['<testsuite name="s" tests="NaN" time="1"/>', /<testsuite name="s"> has tests="NaN", not a number of tests/],
      ['<testsuites time="Infinity"><testsuite name="s" time="1"/></testsuites>', /<testsuites> has time="Infinity"/],
      ['<testsuite name="s"><testcase name="a" time="1e999"/></testsuite>', /<testcase name="a"> of suite "s" has time="1e999"/],
    ];
    for (const [xml, message] of cases) expect(() => parseJUnit(xml, 'n.xml'), xml).toThrow(message);
    // An empty attribute is a missing one: counted from the testcases.
    expect(parseJUnit('<testsuite name="s" tests="" time=""><testcase name="a" time="0.5"/></testsuite>', 'n.xml')).toMatchObject({ tests: 1, time: 0.5 });
  });
});
