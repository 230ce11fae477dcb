import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cli, cliPath, useTempDir } from './helpers.js';

const tmp = useTempDir();

const seeded = () => {
  const dir = tmp();
  for (const [i, v] of ['12', '13', '14'].entries())
    expect(cli(['record', 'test_duration', v, '--at', `2026-01-0${i + 1}T00:00:00Z`, '-q'], { cwd: dir }).status).toBe(0);
  return dir;
};

/** Runs the CLI with stdout going to /dev/full, where every write fails with ENOSPC. */
const toFullDisk = (args: readonly string[], cwd: string) => {
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { status: r.status, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
};

describe('export --output that cannot be written', () => {
  it('names a missing folder as a typed error with what to do, not as a possible bug', () => {
    const dir = seeded();
    const r = cli(['export', '-o', join(dir, 'no such dir', 'out.csv')], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^autodev: error: cannot write --output .*no such dir.*out\.csv: ENOENT/);
    expect(r.stderr).toMatch(/the folder .*no such dir does not exist: create it first/);
    expect(r.stderr).not.toMatch(/bug in autodev/);
    expect(existsSync(join(dir, 'no such dir'))).toBe(false);
  });

  it('names a folder given as --output', () => {
    const dir = seeded();
    mkdirSync(join(dir, 'reports ü'));
    const r = cli(['export', '--output', 'reports ü'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write --output reports ü: EISDIR/);
    expect(r.stderr).toMatch(/reports ü is a folder: pass a file path such as reports ü.metrics\.csv/);
    expect(r.stderr).not.toMatch(/bug in autodev/);
  });
});

describe.skipIf(!existsSync('/dev/full'))('data that cannot be written (a full disk)', () => {
  it.each([['export'], ['export', '--format', 'jsonl'], ['trends'], ['check', '--json'], ['insights', '--format', 'markdown']].map((a) => [a.join(' '), a] as const))(
    'autodev %s > /dev/full exits 2 with one message and no stack trace',
    (_name, args) => {
      const r = toFullDisk(args, seeded());
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/autodev: error: cannot write the output: ENOSPC/);
      expect(r.stderr.match(/autodev: error/g)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/bug in autodev/);
    },
  );

  it('export --output /dev/full exits 2 the same way', () => {
    const dir = seeded();
    const r = cli(['export', '--output', '/dev/full'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/autodev: error: cannot write the output: ENOSPC/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
