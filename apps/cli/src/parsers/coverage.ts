import { badReport, parseJsonReport } from './text.js';

/** Coverage percentages (0..100); a kind the report does not measure is undefined. */
export interface CoverageSummary {
  readonly format: 'lcov' | 'istanbul-summary';
  readonly lines?: number;
  readonly branches?: number;
  readonly functions?: number;
  readonly statements?: number;
  /** Number of source files in the report. */
  readonly files: number;
}

// hit / found first: 100 * hit overflows to Infinity for hit near Number.MAX_VALUE.
const pct = (hit: number, found: number) => (found > 0 ? (hit / found) * 100 : undefined);

const REGENERATE = 'the tracefile is broken: regenerate it with the coverage tool (e.g. vitest run --coverage --coverage.reporter=lcov); nothing was written';

/**
 * Parses an lcov tracefile (c8, istanbul/nyc, vitest and jest's `lcov` reporter, genhtml input):
 * totals are summed over every `SF:` record from `LF/LH`, `BRF/BRH`, `FNF/FNH`, or counted from `DA:`
 * lines when a writer leaves the totals out.
 * @throws {CliError} BAD_INPUT naming the file and line for a malformed record or a file that is not lcov.
 * @see https://github.com/linux-test-project/lcov/blob/master/man/geninfo.1 (the tracefile format)
 */
export function parseLcov(text: string, file: string): CoverageSummary {
  let lf = 0, lh = 0, brf = 0, brh = 0, fnf = 0, fnh = 0, files = 0;
  let recLf: number | undefined, recLh: number | undefined, daFound = 0, daHit = 0;
  // This record's branch and function totals, to check hit <= found per source file.
  let recBrf = 0, recBrh = 0, recFnf = 0, recFnh = 0;
  let inRecord = false, recordLine = 0, recordFile = '';
  const lines = text.split(/\r?\n/);
  const flush = () => {
    // More hit than found is a broken tracefile (a merge gone wrong): it would record coverage above 100%.
    for (const [hit, found, h, f] of [[recLh ?? daHit, recLf ?? daFound, 'LH', 'LF'], [recBrh, recBrf, 'BRH', 'BRF'], [recFnh, recFnf, 'FNH', 'FNF']] as const)
      if (hit > found)
        throw badReport(`${file}:${recordLine}: the record of ${JSON.stringify(recordFile)} has ${h} ${hit} > ${f} ${found}: more hit than found`, REGENERATE);
    lf += recLf ?? daFound;
    lh += recLh ?? daHit;
    brf += recBrf;
    brh += recBrh;
    fnf += recFnf;
    fnh += recFnh;
    recLf = recLh = undefined;
    daFound = daHit = recBrf = recBrh = recFnf = recFnh = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const tag = colon < 0 ? line : line.slice(0, colon);
    const rest = colon < 0 ? '' : line.slice(colon + 1);
    // Digits only: Number() reads "" as 0, "0x10" as 16 and "1e308" as a count no tracefile holds.
    const int = () => {
      const n = /^\s*\d+\s*$/.test(rest) ? Number(rest) : NaN;
      if (!Number.isSafeInteger(n)) throw badReport(`${file}:${i + 1}: ${tag} must be a whole number, got ${JSON.stringify(rest)}`, REGENERATE);
      return n;
    };
    switch (tag) {
      case 'TN': break;
      case 'SF': files++; inRecord = true; recordLine = i + 1; recordFile = rest; break;
      case 'LF': recLf = int(); break;
      case 'LH': recLh = int(); break;
      case 'BRF': recBrf += int(); break;
      case 'BRH': recBrh += int(); break;
      case 'FNF': recFnf += int(); break;
      case 'FNH': recFnh += int(); break;
      case 'DA': {
        // DA:<line>,<hits>[,<checksum>]. A malformed one was counted as a line found and not hit.
        const m = /^(\d+),(\d+)(,.*)?$/.exec(rest.trim());
        if (!m) throw badReport(`${file}:${i + 1}: DA must be <line>,<hits> with whole numbers, got ${JSON.stringify(rest)}`, REGENERATE);
        daFound++;
        if (Number(m[2]) > 0) daHit++;
        break;
      }
      case 'end_of_record': flush(); inRecord = false; break;
      default:
        if (!/^[A-Z]+$/.test(tag))
          throw badReport(`${file}:${i + 1}: not an lcov tracefile line: ${JSON.stringify(line.slice(0, 60))}`, 'pass lcov.info (coverage reporter "lcov") or coverage-summary.json (reporter "json-summary")');
    }
  }
  if (inRecord) flush();
  if (files === 0) throw badReport(`${file}: no SF: records: not an lcov tracefile, or an empty one`, 'run the tests with coverage first (e.g. vitest run --coverage --coverage.reporter=lcov)');
  return { format: 'lcov', lines: pct(lh, lf), branches: pct(brh, brf), functions: pct(fnh, fnf), files };
}

interface Counter { total?: unknown; covered?: unknown }

/**
 * Parses istanbul's `coverage-summary.json` (reporter `json-summary` of nyc, c8, jest, vitest): the
 * `total` entry's covered / total per kind, computed exactly rather than from the rounded `pct`.
 * @throws {CliError} BAD_INPUT naming the file when it is not JSON or lacks `total`.
 */
export function parseCoverageSummary(text: string, file: string): CoverageSummary {
  const doc = parseJsonReport(text, file, 'pass coverage-summary.json as the coverage tool wrote it (reporter "json-summary"), or lcov.info');
  const total = (doc as { total?: Record<string, Counter> } | null)?.total;
  if (typeof total !== 'object' || total === null) {
    const hint =
      typeof doc === 'object' && doc !== null && Object.values(doc).some((v) => typeof v === 'object' && v !== null && 'statementMap' in v)
        ? 'this looks like coverage-final.json; use the json-summary reporter (coverage-summary.json) or lcov.info'
        : 'pass coverage-summary.json (reporter "json-summary") or lcov.info';
    throw badReport(`${file}: no "total" entry: not an istanbul coverage-summary.json`, hint);
  }
  const kind = (k: string) => {
    const c: unknown = Object.hasOwn(total, k) ? total[k] : undefined;
    if (c === undefined) return undefined;
    // Numbers, not anything Number() turns into one (null, true, "", [] were 0 or 1).
    const { total: t, covered: cov } = (typeof c === 'object' && c !== null ? c : {}) as Counter;
    if (typeof t !== 'number' || typeof cov !== 'number' || !Number.isFinite(t) || !Number.isFinite(cov) || t < 0 || cov < 0 || cov > t)
      throw badReport(`${file}: total.${k} must be { "total": <number>, "covered": <number> } with 0 <= covered <= total, got ${JSON.stringify(c)?.slice(0, 120)}`, 'the summary is broken: regenerate it with the coverage tool (reporter "json-summary"); nothing was written');
    return pct(cov, t);
  };
  return { format: 'istanbul-summary', lines: kind('lines'), branches: kind('branches'), functions: kind('functions'), statements: kind('statements'), files: Object.keys(doc as object).length - 1 };
}

/** Parses either coverage format, chosen by content (JSON object → summary, else lcov). */
export function parseCoverage(text: string, file: string): CoverageSummary {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) throw badReport(`${file}: XML coverage (Cobertura/Clover) is not supported`, 'add the "lcov" or "json-summary" coverage reporter and import that file');
  return t.startsWith('{') ? parseCoverageSummary(t, file) : parseLcov(t, file);
}
