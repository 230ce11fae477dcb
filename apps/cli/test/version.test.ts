import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cli, root, useTempDir } from './helpers.js';

const tmp = useTempDir();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string } & Record<string, unknown>;

describe('autodev --version', () => {
  it("prints the version of @autodev/cli's own package.json, from dist", () => {
    for (const flag of ['--version', '-V']) {
      const r = cli([flag], { cwd: tmp() });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('reads it at run time from the installed package, as npm lays it out (a bin symlink, a path with spaces)', () => {
    // A published package gets its version from changesets after the build: dist must not carry a copy of it.
    const project = join(tmp(), 'my project ü');
    const installed = join(project, 'node_modules', '@autodev', 'cli');
    mkdirSync(installed, { recursive: true });
    cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ ...pkg, version: '3.14.159' }));
    symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'), 'dir');
    mkdirSync(join(project, 'node_modules', '.bin'));
    const bin = join(project, 'node_modules', '.bin', 'autodev');
    symlinkSync(join('..', '@autodev', 'cli', 'dist', 'cli.js'), bin);
    const r = spawnSync(process.execPath, [bin, '--version'], { cwd: project, env: cleanEnv(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('3.14.159\n');
  });

  it('says the version is unknown when dist/ runs without its package.json, instead of printing 0.0.0', () => {
    const copy = join(tmp(), 'copied');
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const r = spawnSync(process.execPath, [join(copy, 'dist', 'cli.js'), '--version'], { cwd: copy, env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^unknown \(the package\.json of @autodev\/cli/);
  });
});
