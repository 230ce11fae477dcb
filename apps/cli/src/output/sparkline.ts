const BARS = '▁▂▃▄▅▆▇█';

/**
 * A Unicode sparkline of `values` (oldest first), at most `width` characters: longer series are
 * reduced to `width` buckets by their mean, so one outlier still shows as a raised bar.
 * Non-finite values become a space. A constant series is drawn at mid height.
 * @example
 * sparkline([1, 2, 3, 4]) // '▁▃▆█'
 */
export function sparkline(values: readonly number[], width = 24): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  let series: number[] = values.slice();
  if (series.length > width) {
    const out: number[] = [];
    for (let b = 0; b < width; b++) {
      const lo = Math.floor((b * series.length) / width);
      const hi = Math.floor(((b + 1) * series.length) / width);
      let sum = 0;
      let n = 0;
      for (let i = lo; i < hi; i++) {
        const v = series[i]!;
        if (Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      out.push(n === 0 ? Number.NaN : sum / n);
    }
    series = out;
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of series) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  let s = '';
  for (const v of series) {
    if (!Number.isFinite(v)) s += ' ';
    else if (span === 0) s += BARS[3];
    else s += BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / span) * BARS.length))];
  }
  return s;
}
