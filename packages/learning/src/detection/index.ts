// Detection (issue 6): change points, regressions, anomalies, drift, two-sample comparison, forecasts,
// TCPD scoring, the labelled synthetic CI generator and calibration helpers. See docs/detection.md.
export { detectChangePoints, type ChangePoint, type ChangePointMethod, type ChangePointOptions } from './change-points.js';
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
export { forecast, type Crossing, type Forecast, type ForecastModel, type ForecastOptions, type ForecastPoint } from './forecast.js';
export { covering, f1Score, type Annotations, type F1Options, type F1Result } from './scoring.js';
export {
  generateCiSeries,
  generateCiSuite,
  type LabelledSeries,
  type SuiteOptions,
  type SyntheticKind,
  type SyntheticNoise,
  type SyntheticOptions,
  type SyntheticRanges,
} from './synthetic.js';
export {
  calibrate,
  expectedCalibrationError,
  fitCalibration,
  pValueScore,
  reliabilityTable,
  type CalibrationMap,
  type FitCalibrationOptions,
  type ReliabilityBin,
} from './calibration.js';
export {
  ANOMALY_CALIBRATION,
  CHANGE_POINT_CALIBRATION,
  CONFIRMED_ANOMALY_CALIBRATION,
  DRIFT_CALIBRATION,
  REGRESSION_CALIBRATION,
} from './calibration-tables.js';
