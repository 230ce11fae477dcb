// Owned by the detection work (issue 6): change points, regression, anomalies, comparison, forecast.
export {};
