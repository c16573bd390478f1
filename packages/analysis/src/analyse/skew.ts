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
  /** numeric without a profile: `ml.feature.value` bucket counts on `valueBounds` */
  valueCounts?: ArrayLike<number>;
  valueBounds?: readonly number[];
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
  /**
   * p-value under no skew: of the Jensen–Shannon distance (numeric), of Pearson's chi-squared goodness of
   * fit (categorical)
   */
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

/** Distances of a numeric feature; the first is the one its p-value is of. */
export const NUMERIC_METHODS: readonly DistanceMethod[] = ['jensenShannon', 'psi', 'ksBinned'];

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
  for (const plan of plansOf(profile)) {
    const window = windows.get(plan.feature);
    if (!window) continue;
    const result =
      plan.type === 'numeric' ? numericSkew(plan, window, alpha) : categoricalSkew(plan, window, alpha);
    if (result) results.push(result);
  }
  return ranked(results, alpha);
}

/**
 * Marks the features skewed after Benjamini–Hochberg at level α across all of them and sorts them most
 * skewed first: by p-value, ties (all ≈ 0) by how far the primary distance is past its threshold.
 */
export function ranked(results: FeatureSkew[], alpha: number): FeatureSkew[] {
  const rejected = benjaminiHochberg(
    results.map((r) => r.pValue),
    alpha,
  );
  results.forEach((r, i) => {
    r.alert = rejected[i] === true;
  });
  return results.sort((a, b) => a.pValue - b.pValue || severity(b) - severity(a));
}

/** What the skew analysis needs of one profiled feature, made once per profile. */
type FeaturePlan = NumericPlan | CategoricalPlan;
interface PlanBase {
  feature: string;
  referenceMissingRate: number;
}
interface NumericPlan extends PlanBase {
  type: 'numeric';
  /** laws of the expected bucket shares */
  laws: ReferenceLaws;
}
interface CategoricalPlan extends PlanBase {
  type: 'categorical';
  reference: CategoricalReference;
}

/** By the profile's features object (the profile keeps its objects between cycles). */
const plans = new WeakMap<Profile['features'], FeaturePlan[]>();

function plansOf(profile: Profile): FeaturePlan[] {
  let known = plans.get(profile.features);
  if (!known) {
    known = Object.entries(profile.features).map(([feature, expected]): FeaturePlan => {
      const referenceMissingRate = expected.missing / Math.max(1, expected.count + expected.missing);
      return expected.type === 'numeric'
        ? { feature, referenceMissingRate, type: 'numeric', laws: referenceLaws(expected.shares) }
        : {
            feature,
            referenceMissingRate,
            type: 'categorical',
            reference: categoricalReference(expected.categories),
          };
    });
    plans.set(profile.features, known);
  }
  return known;
}

function numericSkew(plan: NumericPlan, window: FeatureWindow, alpha: number): FeatureSkew | undefined {
  const { laws } = plan;
  const counts = window.quantileCounts;
  if (!counts) return undefined;
  const n = total(counts);
  if (n === 0) return undefined;
  const values = laws.distances(NUMERIC_METHODS, counts);
  const measures = NUMERIC_METHODS.map((method, i) => measure(method, laws, values[i] as number, n, alpha));
  const last = counts.length - 1;
  return {
    feature: plan.feature,
    type: 'numeric',
    n,
    measures,
    pValue: laws.pValue('jensenShannon', n, values[0] as number),
    unseenShare: ((counts[0] as number) + (counts[last] as number)) / n,
    missingRate: window.missing / Math.max(1, n + window.missing),
    referenceMissingRate: plan.referenceMissingRate,
    missingChanged: missingChanged(window.missing, n, plan.referenceMissingRate, alpha),
    alert: false,
  };
}

function categoricalSkew(
  plan: CategoricalPlan,
  window: FeatureWindow,
  alpha: number,
): FeatureSkew | undefined {
  const { categories, reference, laws } = plan.reference;
  const seen = window.categoryCounts;
  if (!seen) return undefined;
  const current = categories.map((c) => seen[c] ?? 0);
  const n = total(current);
  if (n === 0) return undefined;
  const linf = measure('lInfinity', laws, laws.distances(['lInfinity'], current)[0] as number, n, alpha);
  return {
    feature: plan.feature,
    type: 'categorical',
    n,
    measures: [linf],
    pValue: chiSquaredGoodnessOfFit(reference, current),
    unseenShare: (seen[OTHER_CATEGORY] ?? 0) / n,
    missingRate: window.missing / Math.max(1, n + window.missing),
    referenceMissingRate: plan.referenceMissingRate,
    missingChanged: missingChanged(window.missing, n, plan.referenceMissingRate, alpha),
    alert: false,
  };
}

/** Whether the Wilson interval of the window's missing rate excludes the reference's (n + missing > 0). */
function missingChanged(missing: number, n: number, referenceMissingRate: number, alpha: number): boolean {
  const interval = wilson(missing, n + missing, 1 - alpha);
  return referenceMissingRate < interval.lower || referenceMissingRate > interval.upper;
}

export function measure(
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

function categoricalReference(expected: Readonly<Record<string, number>>): CategoricalReference {
  const categories = [...new Set([...Object.keys(expected), OTHER_CATEGORY])];
  const reference = categories.map((c) => expected[c] ?? 0);
  return { categories, reference, laws: referenceLaws(reference) };
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

export function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
}
