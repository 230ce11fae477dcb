import { CliError } from '../errors.js';

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

const pct = (hit: number, found: number) => (found > 0 ? (100 * hit) / found : undefined);

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
        throw new CliError('BAD_INPUT', `${file}:${recordLine}: the record of ${JSON.stringify(recordFile)} has ${h} ${hit} > ${f} ${found}: more hit than found`, {
          hint: 'the tracefile is broken (regenerate it with the coverage tool); nothing was written',
        });
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
    const int = () => {
      const n = Number(rest);
      if (!Number.isInteger(n) || n < 0) throw new CliError('BAD_INPUT', `${file}:${i + 1}: ${tag} must be a whole number, got ${JSON.stringify(rest)}`);
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
        if (!m) throw new CliError('BAD_INPUT', `${file}:${i + 1}: DA must be <line>,<hits> with whole numbers, got ${JSON.stringify(rest)}`);
        daFound++;
        if (Number(m[2]) > 0) daHit++;
        break;
      }
      case 'end_of_record': flush(); inRecord = false; break;
      default:
        if (!/^[A-Z]+$/.test(tag))
          throw new CliError('BAD_INPUT', `${file}:${i + 1}: not an lcov tracefile line: ${JSON.stringify(line.slice(0, 60))}`, {
            hint: 'pass lcov.info (coverage reporter "lcov") or coverage-summary.json (reporter "json-summary")',
          });
    }
  }
  if (inRecord) flush();
  if (files === 0) throw new CliError('BAD_INPUT', `${file}: no SF: records: not an lcov tracefile, or an empty one`, { hint: 'run the tests with coverage first (e.g. vitest run --coverage --coverage.reporter=lcov)' });
  return { format: 'lcov', lines: pct(lh, lf), branches: pct(brh, brf), functions: pct(fnh, fnf), files };
}

interface Counter { total?: unknown; covered?: unknown }

/**
 * Parses istanbul's `coverage-summary.json` (reporter `json-summary` of nyc, c8, jest, vitest): the
 * `total` entry's covered / total per kind, computed exactly rather than from the rounded `pct`.
 * @throws {CliError} BAD_INPUT naming the file when it is not JSON or lacks `total`.
 */
export function parseCoverageSummary(text: string, file: string): CoverageSummary {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError('BAD_INPUT', `${file}: not valid JSON: ${(e as Error).message}`);
  }
  const total = (doc as { total?: Record<string, Counter> } | null)?.total;
  if (typeof total !== 'object' || total === null) {
    const hint =
      typeof doc === 'object' && doc !== null && Object.values(doc).some((v) => typeof v === 'object' && v !== null && 'statementMap' in v)
        ? 'this looks like coverage-final.json; use the json-summary reporter (coverage-summary.json) or lcov.info'
        : 'pass coverage-summary.json (reporter "json-summary") or lcov.info';
    throw new CliError('BAD_INPUT', `${file}: no "total" entry: not an istanbul coverage-summary.json`, { hint });
  }
  const kind = (k: string) => {
    const c = total[k];
    if (c === undefined) return undefined;
    const t = Number(c.total), cov = Number(c.covered);
    if (!Number.isFinite(t) || !Number.isFinite(cov) || t < 0 || cov < 0 || cov > t)
      throw new CliError('BAD_INPUT', `${file}: total.${k} must hold numbers covered <= total, got ${JSON.stringify(c)}`);
    return pct(cov, t);
  };
  return { format: 'istanbul-summary', lines: kind('lines'), branches: kind('branches'), functions: kind('functions'), statements: kind('statements'), files: Object.keys(doc as object).length - 1 };
}

/** Parses either coverage format, chosen by content (JSON object → summary, else lcov). */
export function parseCoverage(text: string, file: string): CoverageSummary {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) throw new CliError('BAD_INPUT', `${file}: XML coverage (Cobertura/Clover) is not supported`, { hint: 'add the "lcov" or "json-summary" coverage reporter and import that file' });
  return t.startsWith('{') ? parseCoverageSummary(t, file) : parseLcov(t, file);
}
