// Binning
export { equalWidthEdges } from './binning/equal-width-edges.js';
export { explicitBucketIndex, explicitBuckets } from './binning/explicit-buckets.js';
export { type Histogram, histogram } from './binning/histogram.js';
export { quantileEdges } from './binning/quantile-edges.js';
// Categories
export type { CategoryCounts } from './categorical/category-counts.js';
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
  UNIT_BOUNDARIES,
} from './profile/types.js';
export { validateProfile } from './profile/validate-profile.js';
// Raw samples
export { ksOneSampleSf } from './samples/ks-distribution.js';
export { ksSamples } from './samples/ks-samples.js';
export { wassersteinSamples } from './samples/wasserstein-samples.js';
// Sample-size-aware thresholds
export {
  type NullThresholdOptions,
  nullDistribution,
  nullPValue,
  nullThreshold,
} from './threshold/null-threshold.js';
export { createRandom, type Random } from './threshold/random.js';
