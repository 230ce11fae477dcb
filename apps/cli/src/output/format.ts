import { confidenceText } from '@autodev/learning';
/**
 * Formats a number for a table: up to 4 significant digits, thousands without exponent, tiny values
 * in exponent form, never `-0`.
 * @example
 * formatNumber(12.3456) // '12.35'
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  // Beyond 1e15 digit grouping stops being readable (1e308 would be ~400 characters): scientific notation.
  if (abs >= 1e15) return v.toExponential(3);
  if (abs >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  if (abs < 1e-3) return v.toExponential(1);
  const s = Number(v.toPrecision(digits)).toString();
  return s === '-0' ? '0' : s;
}

/** A p-value as people read it: `<0.001` below one in a thousand, else three decimals. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.001) return '<0.001';
  // Rounding must not move a p-value across a usual level: 0.04967 beside "α = 0.05" reads "0.0497", not "0.050".
  const crosses = (level: number) => (p < level) !== (Number(p.toFixed(3)) < level);
  return crosses(0.05) || crosses(0.01) || crosses(0.1) ? p.toPrecision(3) : p.toFixed(3);
}

/** A signed percentage with one decimal (`+12.5%`). */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(Math.abs(pct) < 10 ? 1 : 0)}%`;
}

/** A confidence as @autodev/learning's `confidenceText` writes it ("> 0.99" for a statistical finding from 0.995 up). */
export const formatConfidence = (c: number, fact = false): string => confidenceText(c, { fact });
