import { UNIT_BOUNDARIES } from '@modelpulse/stats';
import type { Counter, Histogram } from '@opentelemetry/api';
import type { MonitorConfig } from './config.js';
import {
  METRIC_ML_FEATURE_CATEGORY,
  METRIC_ML_FEATURE_MISSING,
  METRIC_ML_FEATURE_QUANTILE,
  METRIC_ML_FEATURE_VALUE,
  METRIC_ML_HEURISTIC,
  METRIC_ML_MONITOR_DROPPED,
  METRIC_ML_OUTCOME,
  METRIC_ML_OUTCOME_SCORE,
  METRIC_ML_PREDICTION_DURATION,
  METRIC_ML_PREDICTION_SCORE,
} from './semconv.js';

export interface Instruments {
  score: Histogram;
  duration: Histogram;
  featureQuantile: Histogram;
  featureValue: Histogram;
  featureCategory: Counter;
  featureMissing: Counter;
  outcome: Counter;
  outcomeScore: Histogram;
  heuristic: Histogram;
  dropped: Counter;
}

/** The instruments of docs/semantic-conventions.md, with their units and bucket advice. */
export function createInstruments(config: MonitorConfig): Instruments {
  const { meter } = config;
  const unitBuckets = (explicitBucketBoundaries: number[]) => ({ advice: { explicitBucketBoundaries } });
  return {
    score: meter.createHistogram(METRIC_ML_PREDICTION_SCORE, {
      unit: '1',
      description: 'Score (probability) of each prediction; compared with the reference for response drift.',
      ...unitBuckets(config.scoreBoundaries),
    }),
    duration: meter.createHistogram(METRIC_ML_PREDICTION_DURATION, {
      unit: 's',
      description: 'Duration of model inference.',
      ...unitBuckets(config.durationBoundaries),
    }),
    featureQuantile: meter.createHistogram(METRIC_ML_FEATURE_QUANTILE, {
      unit: '1',
      description:
        'Position of a numeric input in the training distribution: 0 below its minimum, above 1 past its maximum.',
      ...unitBuckets(config.profile?.quantileBoundaries ?? [...UNIT_BOUNDARIES]),
    }),
    featureValue: meter.createHistogram(METRIC_ML_FEATURE_VALUE, {
      unit: '1',
      description: 'Raw value of a numeric input, recorded when no baseline profile is configured.',
    }),
    featureCategory: meter.createCounter(METRIC_ML_FEATURE_CATEGORY, {
      unit: '{value}',
      description: 'Categorical input values; values outside the known set are counted as __other__.',
    }),
    featureMissing: meter.createCounter(METRIC_ML_FEATURE_MISSING, {
      unit: '{value}',
      description: 'Inputs that were missing, null or NaN.',
    }),
    outcome: meter.createCounter(METRIC_ML_OUTCOME, {
      unit: '{outcome}',
      description: 'Outcomes that arrived, by predicted and actual label: the confusion matrix.',
    }),
    outcomeScore: meter.createHistogram(METRIC_ML_OUTCOME_SCORE, {
      unit: '1',
      description: 'Score of predictions whose outcome arrived, by actual label: the calibration check.',
      ...unitBuckets(config.scoreBoundaries),
    }),
    heuristic: meter.createHistogram(METRIC_ML_HEURISTIC, {
      unit: '1',
      description: 'Quality heuristics, e.g. the rank of a user’s favourite item in a recommendation list.',
    }),
    dropped: meter.createCounter(METRIC_ML_MONITOR_DROPPED, {
      unit: '{record}',
      description: 'Records or parts of records the monitor dropped because of bad input, by reason.',
    }),
  };
}
