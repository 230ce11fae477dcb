/**
 * Reliability tables and expected calibration error of every detector's confidence on the evaluation seed
 * (different from the training seed), then the same ECE on a shifted population (SHIFTED_SUITE in
 * bench/calibration-data.ts: other kind mix, noise, spikes and step sizes) to show how far the maps carry.
 * Run: `pnpm --filter @autodev/learning exec tsx bench/calibration-report.ts 400`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedCalibrationError, reliabilityTable } from '../src/detection/calibration.js';
import { collect, collectAnomaliesByPosition, EVAL_SEED, SHIFTED_SEED, SHIFTED_SUITE, shiftedSuite, suiteFor, type DetectorName, type Finding, type Findings } from './calibration-data.js';

const eceOf = (f: readonly Finding[]): number =>
  f.length
    ? expectedCalibrationError(
        f.map((x) => x.confidence),
        f.map((x) => x.real),
      )
    : Number.NaN;

const detectors = (data: Findings): Array<[DetectorName, Finding[]]> => (Object.entries(data) as Array<[DetectorName, Finding[]]>).filter(([, f]) => f.length > 0);

/** Highest stated confidence, and the fraction real among findings stated at ≥ 0.9. */
const top = (f: readonly Finding[]): string => {
  const hi = f.filter((x) => x.confidence >= 0.9);
  return `${Math.max(...f.map((x) => x.confidence)).toFixed(3)} | ${hi.filter((x) => x.real).length} / ${hi.length}`;
};

export function formatCalibration(data: Findings, options: { reliability?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push('| detector | findings | real | ECE (all) | ECE (flagged only) | flagged at confidence ≥ 0.8: real / total | max confidence | at ≥ 0.9: real / total |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, f] of detectors(data)) {
    const flagged = f.filter((x) => x.flagged);
    const hi = flagged.filter((x) => x.confidence >= 0.8);
    lines.push(`| ${name} | ${f.length} | ${f.filter((x) => x.real).length} | ${eceOf(f).toFixed(3)} | ${eceOf(flagged).toFixed(3)} | ${hi.filter((x) => x.real).length} / ${hi.length} | ${top(f)} |`);
  }
  if (options.reliability === false) return lines.join('\n');
  for (const [name, f] of detectors(data)) {
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

/** ECE (all findings) per detector on the fitted population next to the shifted one. */
export function formatShift(fitted: Findings, shifted: Findings): string {
  const lines = ['| detector | ECE, fitted mix (seed ' + EVAL_SEED + ') | ECE, shifted mix (seed ' + SHIFTED_SEED + ') | real share, fitted → shifted |', '| --- | --- | --- | --- |'];
  for (const [name, f] of detectors(fitted)) {
    const g = shifted[name];
    const share = (x: readonly Finding[]): string => (x.length ? (x.filter((y) => y.real).length / x.length).toFixed(3) : '—');
    lines.push(`| ${name} | ${eceOf(f).toFixed(3)} | ${eceOf(g).toFixed(3)} (${g.length}) | ${share(f)} → ${share(g)} |`);
  }
  return lines.join('\n');
}

/** ECE and counts of anomaly findings grouped by position in the tested window (see collectAnomaliesByPosition). */
export function formatAnomalyPositions(groups: Map<string, Finding[]>): string {
  const lines = ['| anomaly findings | count | mean confidence | observed real | ECE | at ≥ 0.9: real / total |', '| --- | --- | --- | --- | --- | --- |'];
  for (const [key, f] of groups) {
    const hi = f.filter((x) => x.confidence >= 0.9);
    const mean = f.reduce((a, x) => a + x.confidence, 0) / f.length;
    lines.push(`| ${key} | ${f.length} | ${mean.toFixed(3)} | ${(f.filter((x) => x.real).length / f.length).toFixed(3)} | ${eceOf(f).toFixed(3)} | ${hi.filter((x) => x.real).length} / ${hi.length} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 400);
  const t0 = Date.now();
  const fitted = collect(suiteFor(EVAL_SEED, count));
  console.log(`Fitted population (40% stable, 40% step, 20% drift), seed ${EVAL_SEED}, ${count} series\n`);
  console.log(formatCalibration(fitted));
  console.log(`\nAnomalies tested with recent: 5 (seed ${EVAL_SEED}): do the maps hold for points with more runs after them?\n`);
  console.log(formatAnomalyPositions(collectAnomaliesByPosition(suiteFor(EVAL_SEED, count), 5)));
  const shifted = collect(shiftedSuite(count));
  console.log(`\nShifted population, seed ${SHIFTED_SEED}, ${count} series: ${JSON.stringify(SHIFTED_SUITE)}\n`);
  console.log(formatCalibration(shifted));
  console.log('\nECE (all findings), fitted vs shifted population\n');
  console.log(formatShift(fitted, shifted));
  console.log(`\n(${Date.now() - t0} ms)`);
}
