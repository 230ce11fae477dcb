import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, inject } from 'vitest';
import type { FileStoreWarning } from '../src/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'autodev-storage-file-'));
  dirs.push(d);
  return d;
}

/** SHA-256 of a file's bytes, to prove a file was left unchanged. */
export async function hashFile(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Collects warnings instead of printing them. */
export function collectWarnings(): { warnings: FileStoreWarning[]; onWarning: (w: FileStoreWarning) => void } {
  const warnings: FileStoreWarning[] = [];
  return { warnings, onWarning: (w) => warnings.push(w) };
}

export const HEADER = '{"format":"autodev-metrics","version":1,"created":"2026-01-01T00:00:00.000Z"}\n';
export const line = (name: string, value: number, timestamp: number, metadata: object = {}) =>
  `{"name":${JSON.stringify(name)},"value":${value},"timestamp":${timestamp},"metadata":${JSON.stringify(metadata)}}\n`;

export interface Worker {
  /** Ids acknowledged so far. */
  acked: number[];
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
  /** With `waitForGo`, lets the worker start appending (it opens the store and says ready first). */
  go(): void;
}

/** Starts test/fixtures/append-worker.mjs in a plain Node child process. */
export function startWorker(file: string, opts: { first: number; count: number; maxBatch: number; fsync?: boolean; tag: string; waitForGo?: boolean }): Worker {
  const script = fileURLToPath(new URL('./fixtures/append-worker.mjs', import.meta.url));
  const args = [script, inject('fixtureBundleDir'), file, String(opts.first), String(opts.count), String(opts.maxBatch), opts.fsync ? '1' : '0', opts.tag, opts.waitForGo ? '1' : '0'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let buffered = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const msg = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (msg === 'ready') onReady();
      else if (msg.startsWith('ack ')) for (const id of msg.slice(4).split(',')) acked.push(Number(id));
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.on('error', rej);
    // 'close' waits for stdout to be drained, so every ack the child wrote has been parsed.
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) rej(new Error(`worker exited with ${code}: ${stderr}`));
      else res({ code, signal });
    });
  });
  // A killed child closes its end; a write racing that must not crash the test process.
  child.stdin.on('error', () => undefined);
  if (!opts.waitForGo) child.stdin.end();
  return { acked, ready, exited, kill: () => child.kill('SIGKILL'), go: () => child.stdin.end('go\n') };
}
