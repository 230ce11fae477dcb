// Runs every example (*.ts in this folder) with tsx against the built packages.
// Each example asserts what it prints or returns; a non-zero exit fails the run.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { cwd: here, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${f} (${Date.now() - started} ms)`);
  if (!ok) console.log(r.stdout, r.stderr);
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
