// Pure statistics on number arrays. Each function documents the method it implements (@see).
export * from './descriptive.js';
export * from './distributions.js';
export * from './robust.js';
export * from './trend.js';
