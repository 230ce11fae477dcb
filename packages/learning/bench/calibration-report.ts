/**
 * Reliability tables and expected calibration error of every detector's confidence on the evaluation seed
 * (different from the training seed). Run: `pnpm --filter @autodev/learning exec tsx bench/calibration-report.ts`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedCalibrationError, reliabilityTable } from '../src/detection/calibration.js';
import { collect, EVAL_SEED, suiteFor, type DetectorName, type Finding } from './calibration-data.js';

export function formatCalibration(data: Record<DetectorName, Finding[]>): string {
  const lines: string[] = [];
  lines.push('| detector | findings | ECE (all) | ECE (flagged only) | flagged at confidence ≥ 0.8: real / total |');
  lines.push('| --- | --- | --- | --- | --- |');
  for (const [name, f] of Object.entries(data) as Array<[DetectorName, Finding[]]>) {
    if (f.length === 0) continue;
    const flagged = f.filter((x) => x.flagged);
    const hi = flagged.filter((x) => x.confidence >= 0.8);
    const ece = expectedCalibrationError(
      f.map((x) => x.confidence),
      f.map((x) => x.real),
    );
    const eceF = flagged.length
      ? expectedCalibrationError(
          flagged.map((x) => x.confidence),
          flagged.map((x) => x.real),
        )
      : Number.NaN;
    lines.push(`| ${name} | ${f.length} | ${ece.toFixed(3)} | ${eceF.toFixed(3)} | ${hi.filter((x) => x.real).length} / ${hi.length} |`);
  }
  for (const [name, f] of Object.entries(data) as Array<[DetectorName, Finding[]]>) {
    if (f.length === 0) continue;
    lines.push('', `${name}: reliability (all findings)`, '', '| confidence bin | count | mean confidence | observed real |', '| --- | --- | --- | --- |');
    for (const b of reliabilityTable(
      f.map((x) => x.confidence),
      f.map((x) => x.real),
    )) {
      if (b.count > 0) lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${b.observedRate.toFixed(3)} |`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 400);
  const t0 = Date.now();
  console.log(formatCalibration(collect(suiteFor(EVAL_SEED, count))));
  console.log(`(seed ${EVAL_SEED}, ${count} series, ${Date.now() - t0} ms)`);
}
