// Binning
export { equalWidthEdges } from './binning/equal-width-edges.js';
export { explicitBucketIndex, explicitBuckets } from './binning/explicit-buckets.js';
export { type Histogram, histogram } from './binning/histogram.js';
export { quantileEdges } from './binning/quantile-edges.js';
// Calibration
export { bucketScores, calibrationMap } from './calibration/calibration-map.js';
export {
  type IsotonicFit,
  isotonicPredict,
  isotonicRegression,
} from './calibration/isotonic-regression.js';
// Categories
export type { CategoryCounts } from './categorical/category-counts.js';
export { type ChiSquaredResult, chiSquared } from './categorical/chi-squared.js';
export { lInfinityCategorical } from './categorical/l-infinity-categorical.js';
export { DISTANCE_METHODS, type DistanceMethod, distanceByName } from './distances/by-name.js';
// Distances between histograms
export { d1 } from './distances/d1.js';
export { hellinger } from './distances/hellinger.js';
export { jensenShannon } from './distances/jensen-shannon.js';
export { klDivergence } from './distances/kl-divergence.js';
export { ksBinned } from './distances/ks-binned.js';
export { lInfinity } from './distances/l-infinity.js';
export { PSI_EPSILON, psi } from './distances/psi.js';
export { totalVariation } from './distances/total-variation.js';
export { wassersteinBinned } from './distances/wasserstein-binned.js';
// Shared types
export type { NumericArray } from './internal/assert.js';
// Proportions, classification metrics and multiple testing
export {
  type ClassificationMetrics,
  type ClassificationMetricsOptions,
  type ConfusionCounts,
  classificationMetrics,
  type MetricEstimate,
} from './intervals/classification-metrics.js';
export { clopperPearson } from './intervals/clopper-pearson.js';
export type { ProportionInterval } from './intervals/proportion-interval.js';
export { wilson } from './intervals/wilson.js';
// Baseline profiles
export { buildProfile } from './profile/build-profile.js';
export type { ProfileColumns, ProfileInput } from './profile/collect.js';
export { quantilePosition } from './profile/quantile-position.js';
export {
  type CategoricalFeatureProfile,
  type FeatureProfile,
  type NumericFeatureProfile,
  OTHER_CATEGORY,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type Profile,
  type ProfileSchema,
  type ScoreProfile,
  UNIT_BOUNDARIES,
} from './profile/types.js';
export { validateProfile } from './profile/validate-profile.js';
// Raw samples
export { ksOneSampleSf } from './samples/ks-distribution.js';
export { ksSamples } from './samples/ks-samples.js';
export { wassersteinSamples } from './samples/wasserstein-samples.js';
// Special functions
export { chiSquaredInverseSurvival } from './special/chi-squared-inverse-survival.js';
export { chiSquaredSurvival } from './special/chi-squared-survival.js';
export { regularizedBeta } from './special/incomplete-beta.js';
export { regularizedGammaP, regularizedGammaQ } from './special/incomplete-gamma.js';
export { inverseRegularizedBeta } from './special/inverse-incomplete-beta.js';
export { logBeta } from './special/log-beta.js';
export { logGamma } from './special/log-gamma.js';
export { normalQuantile } from './special/normal-quantile.js';
export { benjaminiHochberg } from './testing/benjamini-hochberg.js';
export { NullReference } from './threshold/null-reference.js';
// Sample-size-aware thresholds
export {
  MIN_EXPECTED_COUNT,
  type NullCacheSnapshot,
  type NullThresholdOptions,
  nullDistribution,
  nullIsAsymptotic,
  nullPValue,
  nullPValueFor,
  nullThreshold,
  QUADRATIC_MIN_HARMONIC_COUNT,
  restoreNullCache,
  snapshotNullCache,
} from './threshold/null-threshold.js';
export { createRandom, type Random } from './threshold/random.js';
