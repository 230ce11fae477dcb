import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Packages that peer-depend on @autodev/learning (the storage backends, the server) are released independently with
// changesets. When learning's next release leaves a dependent's peer range, changesets releases that dependent as a
// MAJOR (1.0.0 for a 0.x package) even when its own changesets ask for a minor. pnpm publishes `workspace:^` as
// `^<learning's version>`, and on 0.x a caret admits no next minor: `^0.0.0` is 0.0.0 only.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

type Version = [number, number, number];
const parseVersion = (v: string): Version => {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new Error(`not a plain x.y.z version: ${JSON.stringify(v)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** semver's `satisfies` for the ranges used here: `||` of `^x.y.z`, `~x.y.z`, `x.y.z` or comparators (`>=a <b`). */
function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((part) => {
        const m = /^(\^|~|>=|<=|>|<|=)?(.+)$/.exec(part)!;
        const op = m[1] ?? '=';
        const lo = parseVersion(m[2]!);
        if (op === '^' || op === '~') {
          const hi: Version =
            op === '~' ? [lo[0], lo[1] + 1, 0] : lo[0] > 0 ? [lo[0] + 1, 0, 0] : lo[1] > 0 ? [0, lo[1] + 1, 0] : [0, 0, lo[2] + 1];
          return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
        }
        const c = cmp(v, lo);
        return op === '=' ? c === 0 : op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c < 0;
      }),
  );
}

/** The range a `workspace:` specifier is published as (pnpm's rewrite). */
function publishedRange(spec: string, workspaceVersion: string): string {
  const rest = spec.replace(/^workspace:/, '');
  if (rest === '^' || rest === '~') return `${rest}${workspaceVersion}`;
  if (rest === '*') return workspaceVersion;
  return rest;
}

/** The largest bump the pending changesets give `name` ('none' without one). */
function pendingBump(name: string): 'none' | 'patch' | 'minor' | 'major' {
  const order = ['none', 'patch', 'minor', 'major'] as const;
  let bump = 0;
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return 'none';
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? '';
    for (const line of front.split(/\r?\n/)) {
      const m = /^\s*['"]?([^'":]+)['"]?\s*:\s*(patch|minor|major)\s*$/.exec(line);
      if (m?.[1] === name) bump = Math.max(bump, order.indexOf(m[2] as 'patch' | 'minor' | 'major'));
    }
  }
  return order[bump]!;
}

function increment(version: string, bump: 'none' | 'patch' | 'minor' | 'major'): string {
  const [major, minor, patch] = parseVersion(version);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
  return version;
}

const learning = readJson(join(root, 'packages', 'learning', 'package.json'));
const learningVersion = learning.version as string;
const dependents = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(root, group, dir, 'package.json')))
  .filter((path) => existsSync(path))
  .map((path) => readJson(path))
  .filter((pkg) => typeof (pkg.peerDependencies as Record<string, string> | undefined)?.['@autodev/learning'] === 'string');

describe('peer ranges on @autodev/learning, as published', () => {
  it('the workspace has peer dependents to check (the storage backends and the server)', () => {
    expect(dependents.map((p) => p.name)).toEqual(expect.arrayContaining(['@autodev/storage-file', '@autodev/storage-sqlite', '@autodev/server']));
  });

  it.each(dependents.map((p) => [p.name as string, (p.peerDependencies as Record<string, string>)['@autodev/learning']!]))(
    '%s admits learning now and after its pending release (else changesets releases it as a major)',
    (name, spec) => {
      const range = publishedRange(spec, learningVersion);
      const next = increment(learningVersion, pendingBump('@autodev/learning'));
      expect(satisfies(learningVersion, range), `${name}: peer range ${JSON.stringify(range)} does not admit the workspace's @autodev/learning ${learningVersion}`).toBe(true);
      expect(
        satisfies(next, range),
        `${name}: its peer range on @autodev/learning (${JSON.stringify(spec)}, published as ${JSON.stringify(range)}) does not admit ` +
          `learning's next release ${next}, so changesets would release ${name} as a major; add it, e.g. "workspace:${range} || ^${next}"`,
      ).toBe(true);
    },
  );

  it('the range helpers agree with semver on caret ranges of 0.x', () => {
    expect(satisfies('0.0.0', '^0.0.0')).toBe(true);
    expect(satisfies('0.1.0', '^0.0.0')).toBe(false);
    expect(satisfies('0.0.1', '^0.0.0')).toBe(false);
    expect(satisfies('0.1.5', '^0.1.0')).toBe(true);
    expect(satisfies('0.2.0', '^0.1.0')).toBe(false);
    expect(satisfies('1.9.0', '^1.2.0')).toBe(true);
    expect(satisfies('0.1.0', '^0.0.0 || ^0.1.0')).toBe(true);
    expect(satisfies('0.1.3', '>=0.0.0 <0.2.0')).toBe(true);
    expect(publishedRange('workspace:^', '0.3.1')).toBe('^0.3.1');
    expect(increment('0.0.0', 'minor')).toBe('0.1.0');
  });
});
