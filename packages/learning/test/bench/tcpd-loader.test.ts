import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, loadTcpd } from '../../bench/tcpd-eval.js';

describe('TCPD loader', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("reads the TCPD repository's layout (annotations.json + datasets/<name>/<name>.json), skipping multivariate series", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tcpd-'));
    dirs.push(dir);
    const raw = [1342, 1886, 2761, 2048, 2429, 2336, 2446, 2449, 1986, 1435, 1165, 1017, 63, 21, 10];
    await mkdir(join(dir, 'datasets', 'centralia'), { recursive: true });
    await mkdir(join(dir, 'datasets', 'multi'), { recursive: true });
    await writeFile(join(dir, 'datasets', 'centralia', 'centralia.json'), JSON.stringify({ name: 'centralia', n_obs: 15, n_dim: 1, series: [{ label: 'Population', type: 'int', raw }] }));
    await writeFile(join(dir, 'datasets', 'multi', 'multi.json'), JSON.stringify({ name: 'multi', n_obs: 2, n_dim: 2, series: [{ raw: [1, 2] }, { raw: [3, null] }] }));
    const annotations = { centralia: { '6': [3, 12], '7': [], '8': [12], '9': [4, 8, 12], '13': [] }, multi: { '1': [] } };
    await writeFile(join(dir, 'annotations.json'), JSON.stringify(annotations));
    const series = loadTcpd(dir);
    expect(series.map((s) => s.name)).toEqual(['centralia']);
    expect(series[0]!.values).toEqual(raw);
    expect(series[0]!.annotations).toEqual(annotations.centralia);
    // Same series and annotations as the dev set's centralia.json, so the same scores (0.909 / 0.612 in docs/detection.md).
    const r = evaluate(series);
    expect(r.f1).toBeCloseTo(0.909, 3);
    expect(r.cover).toBeCloseTo(0.612, 3);
  });
});
