// Turns `vitest bench --outputJson` into the README's ratio tables: median time per iteration (robust to
// the preemption spikes of a shared 2-core VM), divided by the operations each iteration performs.
// Usage: node --import tsx bench/report.ts bench-results.json
import { readFileSync } from 'node:fs';

interface Bench {
  name: string;
  median: number;
  min: number;
  rme: number;
  sampleCount: number;
}
interface Output {
  files: { groups: { fullName: string; benchmarks: Bench[] }[] }[];
}

// Operations per bench iteration, by file (see OPS / CALLS / SAMPLES in each bench).
const perIteration: Record<string, { ops: number; unit: 'Mops/s' | 'ns/op' }> = {
  'lru.bench.ts': { ops: 10_000, unit: 'Mops/s' },
  'memoize.bench.ts': { ops: 1_000, unit: 'ns/op' },
  'timed.bench.ts': { ops: 1_000, unit: 'ns/op' },
  'record.bench.ts': { ops: 10_000, unit: 'Mops/s' },
};

const file = process.argv[2] ?? 'bench-results.json';
const data = JSON.parse(readFileSync(file, 'utf8')) as Output;
for (const f of data.files) {
  for (const g of f.groups) {
    const key = Object.keys(perIteration).find((k) => g.fullName.includes(k));
    if (!key) continue;
    const { ops, unit } = perIteration[key]!;
    const ours = g.benchmarks.find((b) => b.name.startsWith('@autodev/performance'));
    console.log(`\n${g.fullName.replace(/^.*?> /, '')}\n`);
    // Median is the headline; the best (minimum) iteration is the classic estimate under additive noise
    // from other processes, shown so a reader can see how much the load moved the median.
    console.log(`| implementation | ${unit} (median) | ours ÷ this (median) | ${unit} (best) | ours ÷ this (best) | samples |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    const show = (ms: number): string => {
      const nsPerOp = (ms * 1e6) / ops;
      return unit === 'ns/op' ? nsPerOp.toFixed(1) : (1e3 / nsPerOp).toFixed(2);
    };
    // "ours ÷ this": speed ratio (>1 = ours faster) for throughput, time ratio (<1 = ours faster) for ns/op.
    const ratio = (a: number, b: number): string => (unit === 'ns/op' ? a / b : b / a).toFixed(2);
    for (const b of g.benchmarks) {
      const med = ours ? ratio(ours.median, b.median) : 'n/a';
      const best = ours ? ratio(ours.min, b.min) : 'n/a';
      console.log(`| ${b.name} | ${show(b.median)} | ${med}× | ${show(b.min)} | ${best}× | ${b.sampleCount} |`);
    }
  }
}
