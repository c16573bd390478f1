import type { Profile } from '@modelpulse/stats';
import type { Meter, Tracer } from '@opentelemetry/api';

export interface ModelMonitorOptions {
  /** Which model this monitor records for; both become attributes of every metric and span. */
  model: { name: string; version: string };
  /**
   * Baseline profile of the training data (from `buildProfile`). With it, numeric features are recorded
   * as their position in the training distribution and categories and labels are bounded by the known
   * sets. Strongly recommended.
   */
  profile?: Profile;
  /** Deterministic holdout slice: share of keys left untouched, and the salt of the hash. Off by default. */
  holdout?: { rate: number; salt: string };
  /** Default: the global meter provider's meter `@modelpulse/otel`. */
  meter?: Meter;
  /** Default: the global tracer provider's tracer `@modelpulse/otel`. */
  tracer?: Tracer;
  /**
   * Feature names whose raw values may go on spans as `ml.input.<name>`. Default none: inputs can be
   * personal data. Env override: `MODELPULSE_CAPTURE_FEATURES` (comma-separated) when this is unset.
   */
  captureFeatures?: readonly string[];
  /**
   * `ml.prediction.score` / `ml.outcome.score` bucket boundaries. Default: the profile's score boundaries,
   * else 0, 0.05, …, 1.
   */
  scoreBoundaries?: readonly number[];
  /** `ml.prediction.duration` bucket boundaries in seconds. Default 0.5 ms … 10 s. */
  durationBoundaries?: readonly number[];
  /**
   * Bounds on values that become metric attributes when no profile says which are known. Past them a
   * value is recorded as `__other__` (labels, categories) or dropped (feature and heuristic names).
   * Defaults: labels 20, categories per feature 50, features 200, heuristics 50.
   */
  limits?: { labels?: number; categories?: number; features?: number; heuristics?: number };
}

/** Label of a class: strings as they are, numbers and booleans as their text. */
export type Label = string | number | boolean;

export interface Prediction {
  /** Prediction id (span attribute only, never a metric attribute); also the default holdout key. */
  id?: string | number;
  /** Binary: probability of the positive class in [0, 1]. Multi-class: class → probability. */
  score?: number | Readonly<Record<string, number>>;
  /** Predicted label. For a multi-class score map it defaults to the most probable class. */
  label?: Label;
  /** Model inputs by feature name. */
  features?: Readonly<Record<string, unknown>>;
  /** Whether this prediction is in the holdout slice. Default: `isHoldout(id)` when holdout is configured. */
  holdout?: boolean;
}

export interface Outcome {
  /** Id of the prediction this outcome belongs to: emits an `ml.outcome` span for the join by id. */
  predictionId?: string | number;
  /** Label the model predicted, when the caller still knows it. */
  predicted?: Label;
  /** True label, as it finally turned out. Required. */
  actual: Label;
  /** Score the model gave (calibration check). */
  score?: number;
  /** Default: `isHoldout(predictionId)` when holdout is configured. */
  holdout?: boolean;
}

/** What `wrap` needs to turn a model call into a prediction record. */
export interface WrapOptions<Args extends unknown[], Result> {
  /** Default: a number result is the score; an object with `score` / `label` is used as is. */
  toPrediction?: (result: Awaited<Result>, args: Args) => Prediction | undefined;
}

export interface ModelMonitor {
  /** Deterministic holdout decision for a key (see README: the holdout pattern). */
  isHoldout(key: string | number): boolean;
  recordPrediction(prediction: Prediction): void;
  recordOutcome(outcome: Outcome): void;
  recordHeuristic(name: string, value: number): void;
  /** Wraps a model call: `ml.predict {model}` span, `ml.prediction.duration`, then `recordPrediction`. */
  wrap<Args extends unknown[], Result>(
    fn: (...args: Args) => Result,
    options?: WrapOptions<Args, Result>,
  ): (...args: Args) => Result;
}
