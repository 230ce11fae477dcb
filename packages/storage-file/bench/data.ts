import { createWriteStream, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricRecord } from '@autodev/learning';

export const METRICS = 100;

/**
 * CI-like records: 100 metrics round-robin, one-second steps, a value with a few decimals, and
 * metadata that repeats across a run (branch, suite, an 8-hex commit that changes every 100 records).
 * `uniqueMetadata` adds a per-record `run` id: the worst case for metadata interning.
 */
export function makeRecord(i: number, uniqueMetadata = false): MetricRecord {
  const metadata: Record<string, string | number> = {
    branch: ['main', 'develop', 'feature/x'][i % 3]!,
    suite: ['unit', 'integration', 'e2e', 'lint'][(i >> 2) % 4]!,
    commit: (Math.floor(i / 100) * 2654435761 >>> 0).toString(16).padStart(8, '0'),
  };
  if (uniqueMetadata) metadata.run = i;
  return { name: `metric_${String(i % METRICS).padStart(2, '0')}`, value: Math.round(((i * 7919) % 100_000) * 1.37) / 100, timestamp: 1_700_000_000_000 + i * 1000, metadata };
}

/** Writes (once, cached in the OS temp folder) a metrics file of `n` records; returns its path. */
export async function benchFile(n: number, uniqueMetadata = false): Promise<string> {
  const path = join(tmpdir(), `autodev-storage-file-bench-${n}${uniqueMetadata ? '-unique' : ''}.jsonl`);
  if (existsSync(path)) return path;
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  out.write('{"format":"autodev-metrics","version":1,"created":"2026-01-01T00:00:00.000Z"}\n');
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const r = makeRecord(i, uniqueMetadata);
    chunk += `{"name":${JSON.stringify(r.name)},"value":${r.value},"timestamp":${r.timestamp},"metadata":${JSON.stringify(r.metadata)}}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('close', () => r()));
  await rename(tmp, path);
  return path;
}

/** The plain-Node baseline the issue names: read the whole file, split on newlines, JSON.parse each line. */
export async function baselineReadAll(path: string): Promise<unknown[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  const out: unknown[] = [];
  for (const line of text.split('\n')) if (line !== '') out.push(JSON.parse(line));
  return out;
}
