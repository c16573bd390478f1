import type { DriftMeasure } from './drift.js';
import type { CalibrationBucket, EstimatedPerformance } from './estimated.js';
import type { HoldoutOutcomes } from './outcomes.js';
import type { FeatureSkew } from './skew.js';

/** Everything the analysis knows about one model version over one window: one JSON document. */
export interface ModelReport {
  model: string;
  version: string;
  /** window name as configured, e.g. `1h`, `24h`, `7d` */
  window: string;
  from: string;
  to: string;
  /** where the reference came from: the baseline profile, or a window of live traffic */
  reference:
    | { kind: 'profile' }
    | { kind: 'previous-window' | 'pinned'; from: string; to: string; predictions: number };
  /** predictions with a score in the window */
  predictions: number;
  /** predictions per predicted label (`ml.prediction.label`), e.g. to watch the rejection share */
  labels: Record<string, number>;
  drift: {
    measures: DriftMeasure[];
    /** the buckets whose share moved most, with exemplar trace ids from the store */
    movedBuckets: {
      lower: number | null;
      upper: number | null;
      referenceShare: number;
      currentShare: number;
      /** trace ids of up to 10 predictions scored in this bucket, newest first */
      exemplars: string[];
    }[];
  } | null;
  skew: FeatureSkew[];
  holdout: HoldoutOutcomes | null;
  estimated: EstimatedPerformance | null;
  calibration: {
    buckets: CalibrationBucket[];
    expectedPositives: number;
    observedPositives: number;
    outcomes: number;
  } | null;
  heuristics: { name: string; count: number; mean: number }[];
  /** notes a reader needs, e.g. "no profile: drift against the previous window" */
  notes: string[];
}
