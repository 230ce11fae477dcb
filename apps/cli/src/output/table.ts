import { visibleWidth } from './color.js';

/** How to align a column. */
export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table with a header and a rule, columns padded to their widest cell
 * (ANSI colour codes do not count towards width).
 * @example
 * renderTable(['metric', 'mean'], [['test_duration', '12.5']], ['left', 'right'])
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const pad = (cell: string, i: number) => {
    const gap = ' '.repeat(Math.max(0, widths[i]! - visibleWidth(cell)));
    return align[i] === 'right' ? gap + cell : cell + gap;
  };
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, i)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Escapes a string for a GitHub-flavoured markdown table cell. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * A markdown code span of `s` (a metric name): fenced with one more backtick than the longest run inside it, so a
 * name with a backtick does not end the span early (CommonMark: a span ends at a run of the same length).
 * @example
 * mdCode('test_duration') // '`test_duration`'
 * mdCode('a`b') // '`` a`b ``'
 */
export function mdCode(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  if (longest === 0) return `\`${s}\``;
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${s} ${fence}`;
}

/** Renders a GitHub-flavoured markdown table. */
export function renderMarkdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const head = `| ${headers.map(mdCell).join(' | ')} |`;
  const rule = `|${headers.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}
