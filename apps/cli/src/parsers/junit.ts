import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CliError } from '../errors.js';
import { badReport } from './text.js';

/** Counts and time of one test suite (a leaf `<testsuite>`). */
export interface JUnitSuite {
  readonly name: string;
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
  /** Seconds. */
  readonly time: number;
}

/** A parsed JUnit XML report. */
export interface JUnitReport {
  readonly suites: readonly JUnitSuite[];
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
  /** Seconds: the `time` of `<testsuites>` when the tool writes it (the run's wall time), else the sum of the suites. */
  readonly time: number;
}

type Node = Record<string, unknown>;

const asArray = (v: unknown): Node[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

/** A `time` or count attribute that is there but is not a number of seconds / tests: named by the caller. */
class BadAttribute extends Error {
  constructor(readonly element: string, readonly attribute: string, readonly value: string) {
    super(`${element} ${attribute}="${value}"`);
  }
}

/**
 * Parses a JUnit `time`/count attribute: a decimal number (Surefire in some locales writes `1,234.5`; a lone comma is
 * a decimal comma, `0,5`). Returns undefined when absent or empty.
 * @throws {BadAttribute} for a value that is not a finite number >= 0 (`NaN`, `Infinity`, `-5`, `1e999`, `0x10`), or
 * for a count, not a whole number (`1.5`): a negative, fractional or infinite duration or count is a broken report,
 * and recording it (or 0 in its place) would be wrong.
 */
function num(v: unknown, element: string, attribute: string, whole = attribute !== 'time'): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  let s = v.trim();
  if (s.includes(',') && s.includes('.')) s = s.replace(/,/g, '');
  else if (/^\d+,\d+$/.test(s)) s = s.replace(',', '.');
  // Number() also reads hex, binary and octal literals ("0x10" is 16): only decimal notation is a count or a time.
  const n = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n) || n < 0 || (whole && !Number.isSafeInteger(n))) throw new BadAttribute(element, attribute, v);
  return n;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes XML's predefined entities and character references in an attribute value (`api &amp; auth` →
 * `api & auth`), which the parser leaves as written: `processEntities` is off so that a DOCTYPE cannot define
 * entities that expand. An unknown reference is kept as written.
 */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (ref: string, body: string) => {
    if (body[0] !== '#') return ENTITIES[body] ?? ref;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : ref;
  });
}

function leafSuites(suite: Node, out: JUnitSuite[], prefix: string): void {
  const name = typeof suite['@_name'] === 'string' && suite['@_name'] !== '' ? decodeXmlEntities(suite['@_name']) : prefix || '(unnamed suite)';
  const children = asArray(suite.testsuite);
  const cases = asArray(suite.testcase);
  // Some tools (e.g. a few Gradle and pytest-xdist setups) nest suites; counts live on the leaves.
  if (children.length > 0 && cases.length === 0) {
    for (const c of children) leafSuites(c, out, name);
    return;
  }
  const countCases = (child: string) => cases.filter((c) => c[child] !== undefined).length;
  const el = `<testsuite name="${name}">`;
  const caseEl = (c: Node) => `<testcase name="${typeof c['@_name'] === 'string' ? decodeXmlEntities(c['@_name']) : ''}"> of suite "${name}"`;
  const caseTime = cases.reduce((s, c) => s + (num(c['@_time'], caseEl(c), 'time') ?? 0), 0);
  out.push({
    name,
    tests: num(suite['@_tests'], el, 'tests') ?? cases.length,
    failures: num(suite['@_failures'], el, 'failures') ?? countCases('failure'),
    errors: num(suite['@_errors'], el, 'errors') ?? countCases('error'),
    skipped: num(suite['@_skipped'], el, 'skipped') ?? num(suite['@_skips'], el, 'skips') ?? num(suite['@_disabled'], el, 'disabled') ?? countCases('skipped'),
    time: num(suite['@_time'], el, 'time') ?? caseTime,
  });
  for (const c of children) leafSuites(c, out, name);
}

/**
 * Parses JUnit XML as written by vitest (`--reporter=junit`), jest-junit, pytest (`--junitxml`, xunit1
 * and xunit2), Maven Surefire / Failsafe and most other tools: a `<testsuites>` root with
 * `<testsuite>` children, or a single `<testsuite>` root. Counts come from the suite attributes, or
 * are counted from `<testcase>` children when a tool leaves them out.
 * @throws {CliError} BAD_INPUT naming the file and line when the XML is malformed or not JUnit.
 * @example
 * parseJUnit(readFileSync('junit.xml', 'utf8'), 'junit.xml').tests
 * @see https://github.com/testmoapp/junitxml (the de-facto format description)
 */
export function parseJUnit(xml: string, file: string): JUnitReport {
  if (xml.trim() === '')
    throw badReport(
      `${file}: the file is empty, not JUnit XML`,
      'the test runner wrote nothing: check that it ran with a JUnit reporter (e.g. vitest --reporter=junit --outputFile=junit.xml) and finished',
    );
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    // The validator leaves the column out for some errors: say only the line then, not "1:undefined".
    throw badReport(
      `${file}:${valid.err.line}${valid.err.col === undefined ? '' : `:${valid.err.col}`}: not well-formed XML: ${valid.err.msg}`,
      'pass the JUnit XML file the test runner wrote (e.g. vitest --reporter=junit --outputFile=junit.xml); a run killed mid-write leaves a truncated file',
    );
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    // Captured output can be megabytes; keep it as one raw string instead of parsing it.
    stopNodes: ['*.system-out', '*.system-err', '*.failure', '*.error'],
  });
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw parseFailure(e, file);
  }
  const suites: JUnitSuite[] = [];
  let rootTime: number | undefined;
  try {
    rootTime = collectSuites(doc, suites, file);
  } catch (e) {
    if (!(e instanceof BadAttribute)) throw e;
    throw badReport(
      `${file}: ${e.element} has ${e.attribute}="${e.value}", not ${e.attribute === 'time' ? 'a number of seconds (a finite number >= 0)' : 'a number of tests (a whole number >= 0)'}`,
      'the report is broken: regenerate it with the test runner; nothing was written',
    );
  }
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped' | 'time') => suites.reduce((s, x) => s + x[k], 0);
  const report = {
    suites,
    tests: sum('tests'),
    failures: sum('failures'),
    errors: sum('errors'),
    skipped: sum('skipped'),
    time: rootTime !== undefined && rootTime > 0 ? rootTime : sum('time'),
  };
  assertTotals(report, file);
  return report;
}

/**
 * Checks that the totals of one or more reports can be recorded: counts that are whole numbers a double holds
 * exactly, and a finite time. Each suite's value may be fine and their sum not (two suites of `time="1e308"`).
 * @throws {CliError} BAD_INPUT naming `where`.
 */
export function assertTotals(totals: Pick<JUnitReport, 'tests' | 'failures' | 'errors' | 'skipped' | 'time'>, where: string): void {
  for (const k of ['tests', 'failures', 'errors', 'skipped'] as const)
    if (!Number.isSafeInteger(totals[k]))
      throw badReport(`${where}: the suites add up to ${totals[k]} ${k}, more than can be counted exactly`, 'the report is broken (a count is far too large): regenerate it with the test runner; nothing was written');
  if (!Number.isFinite(totals.time))
    throw badReport(`${where}: the suites' times add up to more than a finite number of seconds`, 'the report is broken (a time is far too large): regenerate it with the test runner; nothing was written');
}

/** The error for a document the validator passed but the parser refused (its limits, a DOCTYPE it does not read). */
function parseFailure(e: unknown, file: string): CliError {
  const message = e instanceof Error ? e.message : String(e);
  if (/nested tags/i.test(message))
    return badReport(`${file}: elements are nested more than 100 levels deep; a JUnit report nests a few`, 'pass the JUnit XML file the test runner wrote; this file is not one (or is damaged)', e);
  if (/DOCTYPE|entit/i.test(message))
    return badReport(`${file}: cannot read its <!DOCTYPE> declaration: ${message}`, 'remove the <!DOCTYPE …> declaration: a JUnit report needs none (entities declared there are never expanded or fetched)', e);
  return badReport(`${file}: not a readable JUnit XML report: ${message}`, 'pass the JUnit XML file the test runner wrote (e.g. vitest --reporter=junit --outputFile=junit.xml); regenerate it if it is damaged', e);
}

/** Collects the leaf suites of a parsed document into `suites`; returns the `<testsuites time>` when there is one. */
function collectSuites(doc: Node, suites: JUnitSuite[], file: string): number | undefined {
  let rootTime: number | undefined;
  if (doc.testsuites !== undefined) {
    const roots = asArray(doc.testsuites);
    for (const root of roots) {
      if (typeof root !== 'object' || root === null) continue;
      for (const s of asArray(root.testsuite)) leafSuites(s, suites, '');
    }
    // Wall time of the whole run when the tool writes it (vitest, jest-junit); one root only.
    if (roots.length === 1 && typeof roots[0] === 'object' && roots[0] !== null) rootTime = num(roots[0]['@_time'], '<testsuites>', 'time');
  } else if (doc.testsuite !== undefined) {
    for (const s of asArray(doc.testsuite)) leafSuites(s, suites, '');
  } else {
    const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? '(none)';
    throw badReport(
      `${file}: not a JUnit XML report: the root element is <${root}>, expected <testsuites> or <testsuite>`,
      'import coverage reports with `autodev import coverage` and ESLint output with `autodev import eslint`',
    );
  }
  return rootTime;
}
