// Hand-written hostile and broken JUnit XML: each was an uncaught Error, a wrong number or an unreadable message before.
import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../src/parsers/junit.js';
import { refusal } from './report-inputs.js';

describe('JUnit XML: hostile and broken documents', () => {
  it('a document the validator passes but the parser refuses is a typed error, not an uncaught Error', async () => {
    const deep = `<testsuites>${'<testsuite name="n">'.repeat(150)}${'</testsuite>'.repeat(150)}</testsuites>`;
    expect((await refusal(() => parseJUnit(deep, 'deep.xml'), 'deep.xml')).message).toBe('deep.xml: elements are nested more than 100 levels deep; a JUnit report nests a few');
    const xxe = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite name="&xxe;" tests="1"/>';
    const e = await refusal(() => parseJUnit(xxe, 'xxe.xml'), 'xxe.xml');
    expect(e.message).toBe('xxe.xml: cannot read its <!DOCTYPE> declaration: External entities are not supported');
    expect(e.hint).toMatch(/remove the <!DOCTYPE …> declaration/);
    await refusal(() => parseJUnit('<!DOCTYPE t [<!FOO>]><testsuite tests="1"/>', 'dt.xml'), 'dt.xml');
    await refusal(() => parseJUnit('<!DOCTYPE t [<!ELEMENT a><!ATTLIST><!NOTATION x>]><testsuite tests="1"/>', 'dt.xml'), 'dt.xml');
    await refusal(() => parseJUnit('<testsuites><__proto__ tests="1"/></testsuites>', 'proto.xml'), 'proto.xml');
    await refusal(() => parseJUnit('<__proto__><testsuite tests="2"/></__proto__>', 'proto.xml'), 'proto.xml');
  });

  it('billion laughs: entities declared in the DOCTYPE are not expanded; the name keeps the reference as written', () => {
    const lol = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><testsuite name="&c;" tests="1" time="2"/>`;
    expect(parseJUnit(lol, 'lol.xml')).toMatchObject({ tests: 1, time: 2, suites: [{ name: '&c;' }] });
  });

  it('a fractional, hexadecimal or too-large count is refused (it was recorded: 1.5 tests, 16 failures, Infinity tests)', async () => {
    const cases: [string, string][] = [
      ['<testsuite name="s" tests="1.5"/>', 'n.xml: <testsuite name="s"> has tests="1.5", not a number of tests (a whole number >= 0)'],
      ['<testsuite name="s" tests="2" failures="0x10"/>', 'n.xml: <testsuite name="s"> has failures="0x10", not a number of tests (a whole number >= 0)'],
      ['<testsuite name="s" tests="1e308"/>', 'n.xml: <testsuite name="s"> has tests="1e308", not a number of tests (a whole number >= 0)'],
      ['<testsuite name="s" tests="1" time="0x10"/>', 'n.xml: <testsuite name="s"> has time="0x10", not a number of seconds (a finite number >= 0)'],
      ['<testsuites><testsuite name="a" tests="1" time="1e308"/><testsuite name="b" tests="1" time="1e308"/></testsuites>', "n.xml: the suites' times add up to more than a finite number of seconds"],
      ['<testsuites><testsuite name="a" tests="9007199254740991"/><testsuite name="b" tests="9007199254740991"/></testsuites>', 'n.xml: the suites add up to 18014398509481982 tests, more than can be counted exactly'],
    ];
    for (const [xml, message] of cases) expect((await refusal(() => parseJUnit(xml, 'n.xml'), 'n.xml')).message, xml).toBe(message);
    // Decimal notation a tool may write is still read.
    expect(parseJUnit('<testsuite name="s" tests="3.0" failures="+1" time="1.5e1"/>', 'n.xml')).toMatchObject({ tests: 3, failures: 1, time: 15 });
    expect(parseJUnit('<testsuite name="s" tests="2" time=".5"/>', 'n.xml').time).toBe(0.5);
  });

  it('control characters of the file are escaped in the message (no ESC sequence or newline reaches the terminal)', async () => {
    const e = await refusal(() => parseJUnit('<testsuite name="s" tests="\u001b[2J"/>', 'c.xml'), 'c.xml');
    expect(e.message).toBe('c.xml: <testsuite name="s"> has tests="\\u001b[2J", not a number of tests (a whole number >= 0)');
    expect((await refusal(() => parseJUnit('\u0000', 'nul.xml'), 'nul.xml')).message).toMatch(/^nul\.xml:1:1: not well-formed XML: char '\\0' is not expected/);
    const named = await refusal(() => parseJUnit('<testsuite name="a&#10;b&#x1b;" tests="x"/>', 'n.xml'), 'n.xml');
    expect(named.message).toContain('<testsuite name="a\\nb\\u001b"> has tests="x"');
  });
});

