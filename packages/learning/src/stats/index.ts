// Pure statistics on number arrays. Each function documents the method it implements (@see).
export {
  iqr,
  mad,
  MAD_NORMAL_CONSISTENCY,
  medianAbsoluteDeviation,
  type MadOptions,
} from './robust.js';
export { max, mean, median, min, quantile, quantileSorted, stdDev, sum, variance, type NumericArray } from './descriptive.js';
export {
  chiSquareCdf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  normalTwoSidedP,
  regularizedGammaP,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from './distributions.js';
export { mannKendall, theilSen, type MannKendallOptions, type MannKendallResult, type TheilSenOptions, type TheilSenResult } from './trend.js';
export { mulberry32 } from './internal/random.js';
