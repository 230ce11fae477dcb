import { badReport, parseJsonReport } from './text.js';

const REGENERATE = 'pass the report as ESLint wrote it: `eslint -f json -o eslint.json` (regenerate it if it was edited or damaged); nothing was written';

/** Totals of an ESLint run. */
export interface EslintSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly fixableErrors: number;
  readonly fixableWarnings: number;
  readonly files: number;
}

/**
 * Parses ESLint's JSON formatter output (`eslint -f json`, also `json-with-metadata`): sums
 * `errorCount` and `warningCount` over files, or counts messages by severity when counts are absent.
 * @throws {CliError} BAD_INPUT naming the file and entry when the shape is not ESLint's.
 * @see https://eslint.org/docs/latest/use/formatters/#json
 */
export function parseEslint(text: string, file: string): EslintSummary {
  if (text.trim() === '')
    throw badReport(
      `${file}: the file is empty, not ESLint JSON`,
      'ESLint wrote nothing: run it with `eslint -f json -o eslint.json` (exit code 1 with lint errors is normal; the report is still written)',
    );
  const doc = parseJsonReport(text.replace(/^\uFEFF/, ''), file, 'write the report with `eslint -f json -o eslint.json` (not the stylish console output)');
  // json-with-metadata wraps the results: { results: [...], metadata: {...} }.
  const results = Array.isArray(doc) ? doc : (doc as { results?: unknown } | null)?.results;
  if (!Array.isArray(results))
    throw badReport(`${file}: expected a JSON array of file results (eslint -f json), got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`, REGENERATE);
  let errors = 0, warnings = 0, fixableErrors = 0, fixableWarnings = 0;
  results.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null || typeof (r as { filePath?: unknown }).filePath !== 'string')
      throw badReport(`${file}: entry [${i}] is not an ESLint file result (no filePath)`, REGENERATE);
    const e = r as { errorCount?: unknown; warningCount?: unknown; fixableErrorCount?: unknown; fixableWarningCount?: unknown; messages?: unknown };
    const msgs = Array.isArray(e.messages) ? (e.messages as { severity?: unknown }[]) : [];
    // A count that is there must be a whole number >= 0: -2 or 1.5 lint errors would be recorded as such.
    const count = (key: 'errorCount' | 'warningCount' | 'fixableErrorCount' | 'fixableWarningCount', otherwise: number) => {
      const v = e[key];
      if (typeof v !== 'number') return otherwise;
      if (!Number.isSafeInteger(v) || v < 0) throw badReport(`${file}: entry [${i}] (${(r as { filePath: string }).filePath}) has ${key} ${JSON.stringify(v)}, not a whole number >= 0`, REGENERATE);
      return v;
    };
    errors += count('errorCount', msgs.filter((m) => m.severity === 2).length);
    warnings += count('warningCount', msgs.filter((m) => m.severity === 1).length);
    fixableErrors += count('fixableErrorCount', 0);
    fixableWarnings += count('fixableWarningCount', 0);
  });
  // Each count may be exact and their sum not (two files of 2^53 - 1 errors).
  for (const [k, v] of [['errors', errors], ['warnings', warnings]] as const)
    if (!Number.isSafeInteger(v)) throw badReport(`${file}: the entries add up to ${v} ${k}, more than can be counted exactly`, REGENERATE);
  return { errors, warnings, fixableErrors, fixableWarnings, files: results.length };
}
