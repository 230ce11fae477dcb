import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// npm does not install optional peer dependencies: a user of @autodev/learning/testing learns that it needs vitest
// and fast-check from the README's Install section, or from "Cannot find package 'fast-check'".

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
const install = /^## Install\s*\n([\s\S]*?)(?=^## )/m.exec(readFileSync(join(pkgDir, 'README.md'), 'utf8'))?.[1] ?? '';
const installCommands = install.split('\n').filter((line) => /^\s*(npm (install|i)|pnpm add|yarn add)\b/.test(line));

describe("the README's Install section", () => {
  it('has install commands', () => {
    expect(installCommands.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(pkg.peerDependencies ?? {}))('installs the peer dependency %s', (name) => {
    expect(
      installCommands.some((line) => line.split(/\s+/).includes(name)),
      `the Install section has no install command for the peer dependency ${name}`,
    ).toBe(true);
  });
});
