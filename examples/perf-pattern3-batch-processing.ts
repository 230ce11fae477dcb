// The guide's "Pattern 3: Batch Processing": decide on a strategy, batch, and process batches in parallel.
import assert from 'node:assert/strict';
import { OptimizationStrategy } from '@autodev/performance';

async function processItem(item: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return item * item;
}

let peakConcurrency = 0;
let running = 0;
async function processBatch(batch: number[]): Promise<number[]> {
  running++;
  peakConcurrency = Math.max(peakConcurrency, running);
  try {
    return await Promise.all(batch.map(processItem));
  } finally {
    running--;
  }
}

async function processItems(items: number[]): Promise<{ results: number[]; strategy: string }> {
  if (OptimizationStrategy.shouldParallelize(items.length)) {
    // Process in parallel: batches of 100, at most 4 batches in flight, results in input order.
    const batches = OptimizationStrategy.batchOperations(items, 100);
    const perBatch = await OptimizationStrategy.mapConcurrent(batches, processBatch, { concurrency: 4 });
    return { results: perBatch.flat(), strategy: `parallel (${batches.length} batches)` };
  }
  const results: number[] = [];
  for (const item of items) results.push(await processItem(item));
  return { results, strategy: 'sequential' };
}

const small = await processItems([1, 2, 3]);
assert.equal(small.strategy, 'sequential');
assert.deepEqual(small.results, [1, 4, 9]);

const items = Array.from({ length: 1000 }, (_, i) => i);
const large = await processItems(items);
assert.equal(large.strategy, 'parallel (10 batches)');
assert.deepEqual(large.results, items.map((i) => i * i));
assert.ok(peakConcurrency <= 4, `at most 4 batches at once, saw ${peakConcurrency}`);
console.log(`3 items: ${small.strategy}; 1000 items: ${large.strategy}, peak ${peakConcurrency} batches in flight`);

// The guide's batch example: 100 items by 10.
const batches = OptimizationStrategy.batchOperations(Array.from({ length: 100 }, (_, i) => i), 10);
assert.equal(batches.length, 10);
assert.deepEqual(batches[9], [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);

// And its complexity estimate: ~6.9 for logarithmic at 1000 (natural log).
const estimate = OptimizationStrategy.estimateComplexity(1000, 'logarithmic');
assert.ok(Math.abs(estimate - 6.9) < 0.01);
console.log(`estimateComplexity(1000, 'logarithmic') = ${estimate.toFixed(3)}`);
