import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IntSlotTable } from '../src/internal/int-slot-table.js';

type Op = { op: 'insert'; key: number } | { op: 'remove'; pick: number } | { op: 'find'; key: number } | { op: 'clear' };
const int32 = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), key: int32 }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('find' as const), key: int32 }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

// Two buckets for up to 16 slots: chains are long, so removals from the head, the middle and the end of a
// chain all happen (with the default bucket count, keys rarely share a bucket).
test.prop([fc.integer({ min: 1, max: 16 }), fc.constantFrom(2, 4, undefined), fc.array(opArb, { maxLength: 300, size: 'max' })])(
  'IntSlotTable agrees with a Map from key to slot',
  (capacity, buckets, ops) => {
    const table = new IntSlotTable(capacity, buckets);
    const model = new Map<number, number>();
    const free = Array.from({ length: capacity }, (_, i) => i);
    for (const o of ops) {
      if (o.op === 'insert') {
        if (model.has(o.key) || free.length === 0) continue;
        const s = free.pop()!;
        table.insert(o.key, s);
        model.set(o.key, s);
      } else if (o.op === 'remove') {
        if (model.size === 0) continue;
        const [key, s] = [...model][o.pick % model.size]!;
        expect(table.keyAt(s)).toBe(key);
        table.remove(s);
        model.delete(key);
        free.push(s);
      } else if (o.op === 'find') {
        expect(table.find(o.key)).toBe(model.get(o.key) ?? -1);
      } else {
        table.clear();
        model.clear();
        free.splice(0, free.length, ...Array.from({ length: capacity }, (_, i) => i));
      }
    }
    for (const [key, s] of model) expect(table.find(key)).toBe(s);
  },
);
