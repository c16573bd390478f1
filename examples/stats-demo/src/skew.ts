import {
  explicitBuckets,
  type FeatureProfile,
  jensenShannon,
  lInfinityCategorical,
  nullThreshold,
  OTHER_CATEGORY,
  type Profile,
  quantilePosition,
} from '@modelpulse/stats';

/** Training–serving skew of one feature in one window: distance, calibrated threshold, verdict. */
export interface FeatureSkew {
  feature: string;
  method: 'jensenShannon' | 'lInfinity';
  distance: number;
  threshold: number;
}

/**
 * Compares a window of live rows with the training profile, feature by feature, the way the analysis
 * service will: numeric values through the profile's quantile transform onto the `ml.feature.quantile`
 * buckets (Jensen–Shannon distance), categories with unknown values folded into `__other__` (L∞). Each
 * distance gets the threshold that a window of this size exceeds by chance with probability α.
 */
export function featureSkew(
  profile: Profile,
  rows: Record<string, string | number>[],
  alpha: number,
): FeatureSkew[] {
  return Object.entries(profile.features).map(([feature, expected]) =>
    skewOf(profile, feature, expected, rows, alpha),
  );
}

function skewOf(
  profile: Profile,
  feature: string,
  expected: FeatureProfile,
  rows: Record<string, string | number>[],
  alpha: number,
): FeatureSkew {
  if (expected.type === 'numeric') {
    const positions = rows.map((row) =>
      quantilePosition(row[feature] as number, expected.knots, expected.cdf),
    );
    const current = explicitBuckets(positions, profile.quantileBoundaries).counts;
    return {
      feature,
      method: 'jensenShannon',
      distance: jensenShannon(expected.shares, current).distance,
      threshold: nullThreshold('jensenShannon', expected.shares, rows.length, alpha),
    };
  }
  const known = new Set(Object.keys(expected.categories));
  const current: Record<string, number> = {};
  for (const row of rows) {
    const value = String(row[feature]);
    const category = known.has(value) ? value : OTHER_CATEGORY;
    current[category] = (current[category] ?? 0) + 1;
  }
  const categories = Object.keys({ ...expected.categories, [OTHER_CATEGORY]: 0 });
  const reference = categories.map((c) => expected.categories[c] ?? 0);
  return {
    feature,
    method: 'lInfinity',
    distance: lInfinityCategorical(expected.categories, current),
    threshold: nullThreshold('lInfinity', reference, rows.length, alpha),
  };
}
