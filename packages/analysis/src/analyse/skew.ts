import {
  benjaminiHochberg,
  chiSquaredSurvival,
  type DistanceMethod,
  OTHER_CATEGORY,
  type Profile,
  wilson,
} from '@modelpulse/stats';
import { type ReferenceLaws, referenceLaws } from './reference-laws.js';

/** One feature's live data in a window, as read from the store. */
export interface FeatureWindow {
  /** numeric: `ml.feature.quantile` bucket counts on the profile's quantileBoundaries */
  quantileCounts?: ArrayLike<number>;
  /** categorical: `ml.feature.category` counts by category */
  categoryCounts?: Readonly<Record<string, number>>;
  /** `ml.feature.missing` count */
  missing: number;
}

export interface SkewMeasure {
  method: DistanceMethod;
  value: number;
  threshold: number;
  alert: boolean;
}

export interface FeatureSkew {
  feature: string;
  type: 'numeric' | 'categorical';
  /** values seen in the window (missing excluded) */
  n: number;
  measures: SkewMeasure[];
  /** p-value of the feature's primary distance (Jensen–Shannon for numeric, L∞ for categorical) under no skew */
  pValue: number;
  /** numeric: share below the training minimum or above its maximum; categorical: share of `__other__` */
  unseenShare: number;
  missingRate: number;
  referenceMissingRate: number;
  /** the reference missing rate lies outside the window's Wilson interval (confidence 1 − α) */
  missingChanged: boolean;
  /** skewed after Benjamini–Hochberg across all features at level α */
  alert: boolean;
}

const NUMERIC_METHODS: readonly DistanceMethod[] = ['jensenShannon', 'psi', 'ksBinned'];

/**
 * Training–serving skew of every profiled feature in one window, ranked most skewed first. Each
 * distance carries its sample-size-aware threshold; the verdict per feature comes from its p-value under
 * no skew, corrected with Benjamini–Hochberg across features so 50 features do not mean 50 times the
 * false alarms. Features without data in the window are left out.
 */
export function trainingServingSkew(
  profile: Profile,
  windows: ReadonlyMap<string, FeatureWindow>,
  alpha: number,
): FeatureSkew[] {
  const results: FeatureSkew[] = [];
  for (const [feature, expected] of Object.entries(profile.features)) {
    const window = windows.get(feature);
    if (!window) continue;
    const referenceMissingRate = expected.missing / Math.max(1, expected.count + expected.missing);
    if (expected.type === 'numeric' && window.quantileCounts) {
      const counts = window.quantileCounts;
      const n = total(counts);
      if (n === 0) continue;
      const laws = referenceLaws(expected.shares);
      const values = laws.distances(NUMERIC_METHODS, counts);
      const measures = NUMERIC_METHODS.map((method, i) =>
        measure(method, laws, values[i] as number, n, alpha),
      );
      const last = counts.length - 1;
      results.push({
        feature,
        type: 'numeric',
        n,
        measures,
        pValue: laws.pValue('jensenShannon', n, measures[0]?.value ?? 0),
        unseenShare: ((counts[0] as number) + (counts[last] as number)) / n,
        ...missingness(window.missing, n, referenceMissingRate, alpha),
        alert: false,
      });
    } else if (expected.type === 'categorical' && window.categoryCounts) {
      const { categories, reference, laws } = categoricalReference(expected.categories);
      const current = categories.map((c) => window.categoryCounts?.[c] ?? 0);
      const n = total(current);
      if (n === 0) continue;
      const linf = measure('lInfinity', laws, laws.distances(['lInfinity'], current)[0] as number, n, alpha);
      results.push({
        feature,
        type: 'categorical',
        n,
        measures: [linf],
        pValue: chiSquaredGoodnessOfFit(reference, current),
        unseenShare: (window.categoryCounts[OTHER_CATEGORY] ?? 0) / n,
        ...missingness(window.missing, n, referenceMissingRate, alpha),
        alert: false,
      });
    }
  }
  const rejected = benjaminiHochberg(
    results.map((r) => r.pValue),
    alpha,
  );
  results.forEach((r, i) => {
    r.alert = rejected[i] === true;
  });
  return results.sort((a, b) => a.pValue - b.pValue || severity(b) - severity(a));
}

/** The window's missing rate beside the reference's, and whether its Wilson interval excludes it. */
function missingness(missing: number, n: number, referenceMissingRate: number, alpha: number) {
  const interval = n + missing > 0 ? wilson(missing, n + missing, 1 - alpha) : { lower: 0, upper: 1 };
  return {
    missingRate: missing / Math.max(1, n + missing),
    referenceMissingRate,
    missingChanged: referenceMissingRate < interval.lower || referenceMissingRate > interval.upper,
  };
}

function measure(
  method: DistanceMethod,
  laws: ReferenceLaws,
  value: number,
  n: number,
  alpha: number,
): SkewMeasure {
  const threshold = laws.threshold(method, n, alpha);
  return { method, value, threshold, alert: value > threshold };
}

interface CategoricalReference {
  /** the profile's categories and `__other__` */
  categories: string[];
  /** their training counts */
  reference: number[];
  laws: ReferenceLaws;
}

/** Made once per profile feature (the profile keeps its objects between cycles). */
const categorical = new WeakMap<Readonly<Record<string, number>>, CategoricalReference>();

function categoricalReference(expected: Readonly<Record<string, number>>): CategoricalReference {
  let known = categorical.get(expected);
  if (!known) {
    const categories = [...new Set([...Object.keys(expected), OTHER_CATEGORY])];
    const reference = categories.map((c) => expected[c] ?? 0);
    known = { categories, reference, laws: referenceLaws(reference) };
    categorical.set(expected, known);
  }
  return known;
}

/** How far past its threshold the feature's primary distance is: breaks p-value ties (all ≈ 0). */
function severity(r: FeatureSkew): number {
  const primary = r.measures[0];
  return primary ? primary.value / Math.max(primary.threshold, Number.MIN_VALUE) : 0;
}

/** Pearson goodness of fit of counts to reference shares; a count where the reference has none → p = 0. */
function chiSquaredGoodnessOfFit(reference: number[], current: number[]): number {
  const refTotal = total(reference);
  const n = total(current);
  let statistic = 0;
  let kept = 0;
  for (let i = 0; i < reference.length; i++) {
    const o = current[i] as number;
    const expected = (n * (reference[i] as number)) / refTotal;
    if (expected === 0) {
      if (o > 0) return 0;
      continue;
    }
    kept++;
    statistic += (o - expected) ** 2 / expected;
  }
  return kept < 2 ? 1 : chiSquaredSurvival(statistic, kept - 1);
}

function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
}
