// The guide's "Integration with CI/CD" with the `autodev` CLI: a CI job imports pytest's JUnit XML
// (`pytest --junitxml=junit.xml`), prints insights as markdown for the step summary, and fails the
// build with `autodev check` when test_duration breaks its budget (exit code 1). Runs the built
// CLI (`pnpm build` first) in a temporary folder with a history of earlier runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateRecord } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'apps', 'cli', 'dist', 'cli.js');
const junit = join(here, '..', 'apps', 'cli', 'test', 'fixtures', 'junit-pytest.xml');
const dir = await mkdtemp(join(tmpdir(), 'autodev-cli-example-'));
const autodev = (...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_REF_NAME: 'main', GITHUB_SHA: 'c0ffee1' };
  delete env.AUTODEV_STORE;
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env });
};

try {
  // Twelve earlier CI runs on main: the suite took about 2.1 s.
  const store = await openFileStore({ path: join(dir, '.autodev', 'metrics.jsonl') });
  const t0 = Date.parse('2026-02-01T00:00:00Z');
  await store.append(
    Array.from({ length: 12 }, (_, i) => validateRecord({ name: 'test_duration', value: 2.1 + (i % 3) * 0.02, timestamp: t0 + i * 3_600_000, metadata: { branch: 'main' } })),
  );
  await store.close();
  // The repository's automation_policy.yaml (the guide's shape).
  await writeFile(join(dir, 'automation_policy.yaml'), 'performance:\n  test_duration_max: 3   # seconds\n  build_time_max: 300\n');

  // - run: pytest --cov=src --junitxml=junit.xml
  // - run: npx autodev import junit junit.xml
  const imported = autodev('import', 'junit', junit, '--json');
  assert.equal(imported.status, 0, imported.stderr);
  const records = JSON.parse(imported.stdout) as { name: string; value: number; metadata: Record<string, string> }[];
  assert.deepEqual(
    records.map((r) => [r.name, r.value]),
    [['test_duration', 3.127], ['tests', 6], ['failures', 1], ['errors', 1], ['skipped', 1]],
  );
  assert.deepEqual(records[0]?.metadata, { branch: 'main', commit: 'c0ffee1' }, 'branch and commit come from the CI variables');

  // - run: npx autodev insights --format markdown >> "$GITHUB_STEP_SUMMARY"
  const insights = autodev('insights', '--format', 'markdown');
  assert.equal(insights.status, 0, insights.stderr);
  assert.match(insights.stdout, /^### autodev insights/);
  assert.match(insights.stdout, /`test_duration` \| test_duration = 3\.13 is over its budget ≤ 3/);
  console.log(insights.stdout);

  // - run: npx autodev check        (exit 1 fails the job)
  const check = autodev('check');
  assert.equal(check.status, 1, 'a budget breach fails the build');
  assert.match(check.stdout, /FAIL\s+test_duration\s+budget/);
  console.log(check.stdout);
} finally {
  await rm(dir, { recursive: true, force: true });
}
