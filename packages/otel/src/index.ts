export { DEFAULT_DURATION_BOUNDARIES } from './config.js';
export { createModelMonitor } from './monitor.js';
export * from './semconv.js';
export type { Label, ModelMonitor, ModelMonitorOptions, Outcome, Prediction, WrapOptions } from './types.js';
