/** Identifies a profile document; checked by `validateProfile`. */
export const PROFILE_FORMAT = 'modelpulse.profile';
/** Bumped on any incompatible change of the document's shape. */
export const PROFILE_VERSION = 1;
/** Category that stands for every value outside a profile's known set. */
export const OTHER_CATEGORY = '__other__';

/**
 * Bucket boundaries 0, 0.05, …, 1 of `ml.prediction.score` and `ml.feature.quantile`, each k/20 so that
 * they are the shortest decimal doubles (0.15, not 0.15000000000000002).
 */
export const UNIT_BOUNDARIES: readonly number[] = Object.freeze(Array.from({ length: 21 }, (_, k) => k / 20));

export interface NumericFeatureProfile {
  type: 'numeric';
  /** rows with a value */
  count: number;
  /** rows without one (null, undefined, NaN, empty string) */
  missing: number;
  min: number;
  max: number;
  mean: number;
  /** population standard deviation */
  std: number;
  /** quantile edges of the training values, strictly increasing; knots[0] = min, last = max */
  knots: number[];
  /** share of training values ≤ each knot (the empirical CDF there); last is 1 */
  cdf: number[];
  /**
   * expected share of each `ml.feature.quantile` bucket: the training values pushed through the same
   * transform (`quantilePosition`) and counted on `quantileBoundaries` (OTel layout, boundaries + 1 buckets)
   */
  shares: number[];
}

export interface CategoricalFeatureProfile {
  type: 'categorical';
  count: number;
  missing: number;
  /** share of each known category among rows with a value; rare ones folded into `__other__` */
  categories: Record<string, number>;
}

export type FeatureProfile = NumericFeatureProfile | CategoricalFeatureProfile;

/** The reference score histogram of a profile (see `Profile.score`). */
export interface ScoreProfile {
  /** bucket boundaries (OTel layout: boundaries.length + 1 buckets) */
  boundaries: number[];
  /** share of the scored rows in each bucket */
  shares: number[];
  /** rows with a score */
  count: number;
  /** rows without one */
  missing: number;
  /**
   * When a label column was given too: for each true-label class, how many rows with that label fall
   * into each score bucket (rows with both a score and a label). Per bucket, the sum over classes is
   * the rows and the entry of the positive class its positives — the table that calibrates the scores
   * (`calibrationMap`) before performance is estimated from them. Absent in profiles built without a
   * label or before it existed.
   */
  byLabel?: Record<string, number[]>;
}

/** Baseline profile: what training data looked like, shipped with the model. Plain JSON. */
export interface Profile {
  format: typeof PROFILE_FORMAT;
  version: typeof PROFILE_VERSION;
  /** ISO 8601 time the profile was built */
  createdAt: string;
  /** training rows seen */
  rows: number;
  /** bucket boundaries of `ml.feature.quantile` that numeric `shares` refer to */
  quantileBoundaries: number[];
  features: Record<string, FeatureProfile>;
  /** score histogram on the `ml.prediction.score` buckets (OTel layout), when a score column was given */
  score?: ScoreProfile;
  /** class balance of the label column, when given */
  label?: { classes: Record<string, number>; count: number; missing: number };
}

/** What `buildProfile` reads from each row. */
export interface ProfileSchema {
  /** feature name → kind */
  features: Record<string, 'numeric' | 'categorical'>;
  /** column holding the true label (class balance) */
  label?: string;
  /** column holding the model's score in [0, 1] (reference score histogram) */
  score?: string;
  /** number of quantile intervals for numeric knots; default 100 (percentiles) */
  quantiles?: number;
  /** categories kept per feature, most frequent first; the rest fold into `__other__`; default 50 */
  maxCategories?: number;
  /** default {@link UNIT_BOUNDARIES} */
  quantileBoundaries?: readonly number[];
  /** default {@link UNIT_BOUNDARIES} */
  scoreBoundaries?: readonly number[];
  /** timestamp written into the profile; default now (fix it for reproducible builds) */
  createdAt?: Date | string;
}
