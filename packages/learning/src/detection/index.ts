// Detection (issue 6): change points, regressions, anomalies, drift, two-sample comparison, forecasts, scoring.
export { detectChangePoints, type ChangePoint, type ChangePointOptions } from './change-points.js';
export { detectRegression, type RegressionOptions, type RegressionResult } from './regression.js';
export { detectAnomalies, type Anomaly, type AnomalyOptions } from './anomalies.js';
export { detectDrift, type Drift, type DriftOptions } from './drift.js';
export {
  compareSamples,
  kthPairwiseDifference,
  mannWhitneyExactDistribution,
  type CompareOptions,
  type Comparison,
} from './compare-samples.js';
export { forecast, type Crossing, type Forecast, type ForecastOptions, type ForecastPoint } from './forecast.js';
export { covering, f1Score, type Annotations, type F1Options, type F1Result } from './scoring.js';
