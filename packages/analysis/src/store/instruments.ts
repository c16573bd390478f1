/**
 * Which metrics the store keeps: exactly the instruments `@modelpulse/otel` records. Everything else is
 * ignored (neither accepted nor rejected), in particular what the analysis service re-emits itself
 * (`ml.drift.*`, `ml.skew.*`, `ml.holdout.*`, `ml.estimated.*`, `ml.monitor.status`, `ml.heuristic.mean`, or
 * anything under the `@modelpulse/analysis` scope) when a Collector routes it back: the loop guard.
 */

export type InstrumentKind = 'histogram' | 'sum';

const STORED: ReadonlyMap<string, InstrumentKind> = new Map([
  ['ml.prediction.score', 'histogram'],
  ['ml.prediction.duration', 'histogram'],
  ['ml.feature.quantile', 'histogram'],
  ['ml.feature.value', 'histogram'],
  ['ml.outcome.score', 'histogram'],
  ['ml.heuristic', 'histogram'],
  ['ml.feature.category', 'sum'],
  ['ml.feature.missing', 'sum'],
  ['ml.outcome', 'sum'],
  ['ml.monitor.dropped', 'sum'],
]);

/** Instrumentation scope of the analysis service's own meter. */
export const ANALYSIS_SCOPE = '@modelpulse/analysis';

/** The kind a stored instrument must arrive as, or undefined when the metric is not stored. */
export function storedKind(metricName: string): InstrumentKind | undefined {
  return STORED.get(metricName);
}

export function isAnalysisScope(scopeName: string): boolean {
  return scopeName === ANALYSIS_SCOPE;
}

export const ATTR_MODEL_NAME = 'ml.model.name';
export const ATTR_MODEL_VERSION = 'ml.model.version';
export const ATTR_PREDICTION_ID = 'ml.prediction.id';
export const ATTR_PREDICTION_SCORE = 'ml.prediction.score';
export const ATTR_PREDICTION_LABEL = 'ml.prediction.label';
export const ATTR_OUTCOME_LABEL = 'ml.outcome.label';
export const ATTR_HOLDOUT = 'ml.holdout';
export const OUTCOME_SPAN_PREFIX = 'ml.outcome ';
