import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { MetricRecordInput } from '@autodev/learning';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { startMemorySampler } from '../internal/peak-memory.js';
import { recordMetadata, writeRecords, type WriteOptions } from '../internal/records.js';
import { formatNumber } from '../output/format.js';

/** Options of `autodev run`. */
export interface RunOptions extends WriteOptions {
  metric?: string;
  memoryMetric?: string;
  memory?: boolean;
  always?: boolean;
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  peakKiB: number | undefined;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

function runChild(ctx: CommandContext, argv: readonly string[], sampleMemory: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // stdio inherited: the command writes straight to our stdout/stderr, byte for byte, with its TTY.
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', shell: process.platform === 'win32', cwd: ctx.cwd, env: ctx.env });
    const sampler = sampleMemory && child.pid !== undefined ? startMemorySampler(child.pid) : undefined;
    // A CI runner's SIGTERM reaches only us: pass it on and wait for the child. A terminal's Ctrl-C
    // already reached the whole foreground group, so SIGINT is forwarded only without a TTY.
    const forward = (sig: NodeJS.Signals) => {
      if (sig === 'SIGINT' && process.stdin.isTTY) return;
      child.kill(sig);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const cleanup = () => {
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      sampler?.stop();
      const exitCode = e.code === 'ENOENT' ? 127 : 126; // the shell's codes for "not found" / "cannot execute"
      reject(
        new CliError('SPAWN_FAILED', `cannot run ${JSON.stringify(argv[0])}: ${e.code === 'ENOENT' ? 'command not found' : e.message}`, {
          exitCode,
          hint:
            e.code === 'ENOENT'
              ? 'check the name and PATH; for shell syntax (pipes, &&, globs) run: autodev run -- sh -c "..."'
              : e.code === 'EACCES'
                ? `make it executable (chmod +x ${argv[0]!}) or run it through its interpreter (autodev run -- sh ${argv[0]!})`
                : undefined,
        }),
      );
    });
    child.on('exit', (code, signal) => {
      sampler?.sample();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      cleanup();
      resolve({ code, signal, seconds, peakKiB: sampler?.stop() });
    });
  });
}

/**
 * The command as it could be typed into a POSIX shell: `sh -c 'exit 3'`. Joined with spaces and put in double
 * quotes, the arguments' boundaries were lost ("sh -c exit 3" is another command).
 */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * `autodev run -- <command...>`: runs the command with inherited stdio, measures its wall time and the
 * peak resident memory of its process tree (Linux), records them when it succeeds (or always, with
 * `--always`, adding metadata `exit_code`), and returns the command's own exit code (128 + signal
 * number when it was killed by a signal).
 * @throws {CliError} SPAWN_FAILED (exit 127 / 126) when the command cannot be started.
 */
export async function runCommand(ctx: CommandContext, argv: readonly string[], opts: RunOptions): Promise<number> {
  if (argv.length === 0) throw new CliError('BAD_ARGUMENT', 'autodev run needs a command to run, e.g. autodev run -- npm run build');
  const metric = opts.metric ?? 'build_time';
  const memoryMetric = opts.memoryMetric ?? 'memory_usage';
  // Check metadata before running a long build, not after.
  const metadata = recordMetadata(ctx, opts);
  const { validateMetricName } = await import('@autodev/learning');
  validateMetricName(metric);
  if (opts.memory !== false) validateMetricName(memoryMetric);

  const r = await runChild(ctx, argv, opts.memory !== false);
  const exitCode = r.signal !== null ? 128 + (constants.signals[r.signal] ?? 0) : (r.code ?? 1);
  const ok = exitCode === 0;
  const how = r.signal !== null ? `killed by ${r.signal}` : `exit code ${exitCode}`;
  if (!ok && !opts.always) {
    ctx.note(`autodev: ${shellQuote(argv)} failed (${how}) after ${formatNumber(r.seconds)} s; not recorded (use --always to record failed runs)`);
    return exitCode;
  }
  const at = Date.now();
  const meta = ok ? metadata : { ...metadata, exit_code: exitCode };
  const records: MetricRecordInput[] = [{ name: metric, value: Math.round(r.seconds * 1e6) / 1e6, timestamp: at, metadata: meta }];
  if (opts.memory !== false && r.peakKiB !== undefined) records.push({ name: memoryMetric, value: Math.round((r.peakKiB / 1024) * 100) / 100, timestamp: at, metadata: meta });
  else if (opts.memory !== false)
    ctx.note(
      process.platform === 'linux'
        ? `autodev: the command ended before its memory could be sampled; ${memoryMetric} not recorded`
        : `autodev: peak memory is measured on Linux only (from /proc); ${memoryMetric} not recorded`,
    );
  try {
    await writeRecords(ctx, records, { ...opts, json: ctx.options.json });
  } catch (e) {
    // The command's own failure wins: CI must see why the build failed, not that recording did.
    if (!ok) {
      ctx.note(`autodev: could not record: ${(e as Error).message}`);
      return exitCode;
    }
    throw e;
  }
  return exitCode;
}
