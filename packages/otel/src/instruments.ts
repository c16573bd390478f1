import { UNIT_BOUNDARIES } from '@modelpulse/stats';
import { type Counter, createNoopMeter, type Histogram, type Meter } from '@opentelemetry/api';
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

/**
 * The buckets each meter's histograms were first created with, and by which model. A meter keeps an
 * instrument's first buckets: a second monitor asking others would record into the first one's.
 */
const bucketsByMeter = new WeakMap<Meter, Map<string, { boundaries: readonly number[]; model: string }>>();

/** The API's no-op meter (no SDK registered) records nothing, so its buckets never conflict. */
const NoopMeter = createNoopMeter().constructor as abstract new (...args: never[]) => Meter;

/** Throws when this monitor's buckets differ from those another monitor created on the same meter. */
function claimBuckets(config: MonitorConfig, quantile: readonly number[]): void {
  if (config.meter instanceof NoopMeter) return;
  let known = bucketsByMeter.get(config.meter);
  if (!known) {
    known = new Map();
    bucketsByMeter.set(config.meter, known);
  }
  const wanted = [
    [METRIC_ML_PREDICTION_SCORE, 'options.scoreBoundaries', config.scoreBoundaries],
    [METRIC_ML_PREDICTION_DURATION, 'options.durationBoundaries', config.durationBoundaries],
    [METRIC_ML_FEATURE_QUANTILE, "options.profile's quantileBoundaries", quantile],
  ] as const;
  for (const [name, field, boundaries] of wanted) {
    const first = known.get(name);
    if (first && first.boundaries.join() !== boundaries.join())
      throw new TypeError(
        `createModelMonitor: ${field} [${boundaries.join(', ')}] differ from the buckets model ${JSON.stringify(first.model)} created ${name} with on this meter ([${first.boundaries.join(', ')}]); a meter keeps an instrument's first buckets, so give this monitor a meter of its own (meterProvider.getMeter(…)).`,
      );
  }
  for (const [name, , boundaries] of wanted)
    if (!known.has(name)) known.set(name, { boundaries: [...boundaries], model: config.model.name });
}

/** The instruments of docs/semantic-conventions.md, with their units and bucket advice. */
export function createInstruments(config: MonitorConfig): Instruments {
  const { meter } = config;
  const quantile = config.profile?.quantileBoundaries ?? [...UNIT_BOUNDARIES];
  claimBuckets(config, quantile);
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
      ...unitBuckets([...quantile]),
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
