// Prometheus text exposition format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Replaces every character a metric name may not hold with `_` (and prefixes `_` before a leading digit). */
export function sanitizeMetricName(name: string): string {
  if (METRIC_NAME.test(name)) return name;
  const s = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(s) || s === '' ? `_${s}` : s;
}

/** Same for label names, which may not contain `:` and may not start with the reserved `__`. */
export function sanitizeLabelName(name: string): string {
  let s = LABEL_NAME.test(name) ? name : name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(s) || s === '') s = `_${s}`;
  return s.startsWith('__') ? `l${s}` : s;
}

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Formats a sample value: Go-style `+Inf`, `-Inf`, `NaN`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Renders `{a="x",b="y"}` from ordered pairs (names already sanitized). */
export function formatLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}
