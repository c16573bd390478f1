/**
 * The `ml.*` semantic conventions of modelpulse (OpenTelemetry has none for classic ML yet). Every name
 * used on the wire is defined here once; docs/semantic-conventions.md describes each.
 */

// Attributes
export const ATTR_ML_MODEL_NAME = 'ml.model.name';
export const ATTR_ML_MODEL_VERSION = 'ml.model.version';
export const ATTR_ML_PREDICTION_ID = 'ml.prediction.id';
export const ATTR_ML_PREDICTION_SCORE = 'ml.prediction.score';
export const ATTR_ML_PREDICTION_LABEL = 'ml.prediction.label';
export const ATTR_ML_OUTCOME_LABEL = 'ml.outcome.label';
export const ATTR_ML_HOLDOUT = 'ml.holdout';
export const ATTR_ML_FEATURE_NAME = 'ml.feature.name';
export const ATTR_ML_FEATURE_CATEGORY = 'ml.feature.category';
export const ATTR_ML_HEURISTIC_NAME = 'ml.heuristic.name';
export const ATTR_ML_MONITOR_DROP_REASON = 'ml.monitor.drop.reason';
/** Prefix of the span attributes that carry allow-listed feature values: `ml.input.<feature>`. */
export const ATTR_ML_INPUT_PREFIX = 'ml.input.';
/** From the general OpenTelemetry conventions. */
export const ATTR_ERROR_TYPE = 'error.type';

// Metrics
export const METRIC_ML_PREDICTION_SCORE = 'ml.prediction.score';
export const METRIC_ML_PREDICTION_DURATION = 'ml.prediction.duration';
export const METRIC_ML_FEATURE_QUANTILE = 'ml.feature.quantile';
export const METRIC_ML_FEATURE_VALUE = 'ml.feature.value';
export const METRIC_ML_FEATURE_CATEGORY = 'ml.feature.category';
export const METRIC_ML_FEATURE_MISSING = 'ml.feature.missing';
export const METRIC_ML_OUTCOME = 'ml.outcome';
export const METRIC_ML_OUTCOME_SCORE = 'ml.outcome.score';
export const METRIC_ML_HEURISTIC = 'ml.heuristic';
export const METRIC_ML_MONITOR_DROPPED = 'ml.monitor.dropped';

// Spans
export const SPAN_ML_PREDICT = 'ml.predict';
export const SPAN_ML_OUTCOME = 'ml.outcome';

/** Value standing for every category or label outside the known, bounded set. */
export const OTHER_VALUE = '__other__';

/** Why a record (or part of one) was dropped; the values of `ml.monitor.drop.reason`. */
export const DROP_REASONS = [
  'invalid_prediction',
  'invalid_score',
  'invalid_label',
  'invalid_feature',
  'unknown_feature',
  'invalid_outcome',
  'invalid_heuristic',
  'too_many_heuristics',
  'internal_error',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];
