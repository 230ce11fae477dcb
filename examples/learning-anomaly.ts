// Anomalies: a single run far from the recent baseline (robust z on median / MAD), not fooled by a level
// shift — a shift is one change point, not a string of anomalies.
import assert from 'node:assert/strict';
import { detectAnomalies, detectChangePoints } from '@autodev/learning';

let seed = 17;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 4;
const memory = Array.from({ length: 30 }, () => 512 + noise()); // memory_usage in MB

// A spike in the newest run.
const [spike] = detectAnomalies([...memory, 700]);
assert.ok(spike);
console.log(`run ${spike.index}: ${spike.value} MB vs expected ${spike.expected.toFixed(1)} MB, robust z ${spike.score.toFixed(1)}, confidence ${spike.confidence.toFixed(2)}`);
assert.equal(spike.index, 30);
assert.equal(spike.direction, 1);

// An ordinary newest run: nothing.
assert.deepEqual(detectAnomalies([...memory, 513]), []);

// A level shift to ~600 MB, checked run by run as CI would: at most its first run can look like a spike,
// and change-point detection reports the shift once.
const shifted = [...memory, ...Array.from({ length: 10 }, () => 600 + noise())];
let flagged = 0;
for (let t = memory.length + 1; t <= shifted.length; t++) flagged += detectAnomalies(shifted.slice(0, t)).length;
const cps = detectChangePoints(shifted);
console.log(`level shift: ${flagged} run(s) flagged as anomalies, change points at ${cps.map((c) => c.index).join(', ')}`);
assert.ok(flagged <= 1);
assert.equal(cps.length, 1);
assert.equal(cps[0]!.index, 30);

// Discrete metrics: failing tests are 0 in most runs, so the MAD is 0 and a robust z would call any failure
// an infinite outlier. The count model weighs how often the history left 0: after one failure in 30 runs, a
// second (p = 0.048) is not an outlier; five at once are.
const failures = Array.from({ length: 30 }, (_, i) => (i === 12 ? 1 : 0));
assert.deepEqual(detectAnomalies([...failures, 1]), []);
const [burst] = detectAnomalies([...failures, 5]);
assert.ok(burst);
assert.equal(burst.model, 'count');
console.log(`failing tests: 5 after one failure in 30 runs → p = ${burst.pValue.toExponential(1)}, confidence ${burst.confidence.toFixed(2)} (${burst.model} model)`);
