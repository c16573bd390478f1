import { chiSquared } from '@modelpulse/stats';
import { sameBounds } from './read-window.js';
import { referenceLaws } from './reference-laws.js';
import { type FeatureSkew, type FeatureWindow, measure, NUMERIC_METHODS, ranked, total } from './skew.js';

/**
 * Skew of a model without a profile: each feature of the window against the same feature in a reference
 * window of live traffic (the previous window, or a pinned period). Numeric features
 * come as their raw `ml.feature.value` histograms, categorical ones as recorded. The distances are those
 * measured against a profile; their thresholds and p-values count the reference as the sample it is
 * (`referenceN`), so two windows of the same traffic alarm at rate α. Categorical p-values come from
 * Pearson's chi-squared test of homogeneity, the missing rates' change from the same test on the 2 × 2
 * table. Features missing from either window, or recorded with other bucket bounds, are left out.
 */
export function referenceWindowSkew(
  current: ReadonlyMap<string, FeatureWindow>,
  reference: ReadonlyMap<string, FeatureWindow>,
  alpha: number,
): FeatureSkew[] {
  const results: FeatureSkew[] = [];
  for (const [feature, window] of current) {
    const before = reference.get(feature);
    if (!before) continue;
    const result = window.valueCounts
      ? numericSkew(feature, window, before, alpha)
      : categoricalSkew(feature, window, before, alpha);
    if (result) results.push(result);
  }
  return ranked(results, alpha);
}

function numericSkew(
  feature: string,
  window: FeatureWindow,
  before: FeatureWindow,
  alpha: number,
): FeatureSkew | undefined {
  const counts = window.valueCounts;
  const reference = before.valueCounts;
  if (!counts || !reference || !window.valueBounds || !before.valueBounds) return undefined;
  if (!sameBounds(window.valueBounds, before.valueBounds)) return undefined;
  const n = total(counts);
  const referenceN = total(reference);
  if (n === 0 || referenceN === 0) return undefined;
  const laws = referenceLaws(reference, { referenceN });
  const values = laws.distances(NUMERIC_METHODS, counts);
  let unseen = 0;
  for (let i = 0; i < counts.length; i++) if (reference[i] === 0) unseen += counts[i] as number;
  return {
    feature,
    type: 'numeric',
    n,
    measures: NUMERIC_METHODS.map((method, i) => measure(method, laws, values[i] as number, n, alpha)),
    pValue: laws.pValue('jensenShannon', n, values[0] as number),
    unseenShare: unseen / n,
    ...missing(window.missing, n, before.missing, referenceN, alpha),
    alert: false,
  };
}

function categoricalSkew(
  feature: string,
  window: FeatureWindow,
  before: FeatureWindow,
  alpha: number,
): FeatureSkew | undefined {
  const seen = window.categoryCounts;
  const expected = before.categoryCounts;
  if (!seen || !expected) return undefined;
  const categories = [...new Set([...Object.keys(expected), ...Object.keys(seen)])].sort();
  const current = categories.map((c) => seen[c] ?? 0);
  const reference = categories.map((c) => expected[c] ?? 0);
  const n = total(current);
  const referenceN = total(reference);
  if (n === 0 || referenceN === 0) return undefined;
  const laws = referenceLaws(reference, { referenceN });
  const distance = laws.distances(['lInfinity'], current)[0] as number;
  let unseen = 0;
  for (let i = 0; i < categories.length; i++) if (reference[i] === 0) unseen += current[i] as number;
  return {
    feature,
    type: 'categorical',
    n,
    measures: [measure('lInfinity', laws, distance, n, alpha)],
    pValue: chiSquared(expected, seen).pValue,
    unseenShare: unseen / n,
    ...missing(window.missing, n, before.missing, referenceN, alpha),
    alert: false,
  };
}

/** Missing rates of both windows, and whether they differ at level α (chi-squared on the 2 × 2 table). */
function missing(
  missing: number,
  n: number,
  referenceMissing: number,
  referenceN: number,
  alpha: number,
): Pick<FeatureSkew, 'missingRate' | 'referenceMissingRate' | 'missingChanged'> {
  const test = chiSquared({ missing: referenceMissing, present: referenceN }, { missing, present: n });
  return {
    missingRate: missing / (n + missing),
    referenceMissingRate: referenceMissing / (referenceN + referenceMissing),
    missingChanged: test.pValue < alpha,
  };
}
