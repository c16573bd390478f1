import { chiSquaredSurvival } from '../special/chi-squared-survival.js';
import { differenceOfProducts } from '../special/difference-of-products.js';
import { alignCategories, type CategoryCounts } from './category-counts.js';

/** Result of {@link chiSquared}. */
export interface ChiSquaredResult {
  /** Pearson's X² statistic, ≥ 0. */
  statistic: number;
  /** P(χ²_dof ≥ statistic) under homogeneity; 1 when dof = 0. */
  pValue: number;
  /** Degrees of freedom: categories kept − 1. */
  dof: number;
}

/**
 * Pearson chi-squared test of homogeneity between two categorical count maps: are the reference and
 * current counts draws from the same category distribution?
 *
 * The 2 × k contingency table is built over the union of keys (a key missing on one side counts 0);
 * categories with a total of 0 on both sides are dropped. With R, C the row totals and rⱼ, cⱼ, tⱼ the
 * reference, current and total counts of category j, X² = Σⱼ (rⱼC − cⱼR)² / (R·C·tⱼ), the usual
 * Σ (observed − expected)² / expected rewritten per category. rⱼC − cⱼR is formed with exact products,
 * so identical proportions give exactly 0, swapping ref and cur gives the same bits, and huge counts
 * with a small shift (10¹² vs 10¹² + 10⁶) keep full precision.
 *
 * No continuity correction; dof = k − 1 and the p-value is the chi-squared survival function. With a
 * single category kept the table has no degrees of freedom and the result is
 * { statistic: 0, pValue: 1, dof: 0 } (as scipy returns). Counts need not be integers (weights are
 * accepted) but must be finite and ≥ 0, and each side needs a positive total (so two empty maps throw).
 *
 * Equals `scipy.stats.chi2_contingency([ref, cur], correction=False)[:3]` on the kept columns.
 *
 * @example
 * chiSquared({ a: 50, b: 50 }, { a: 80, b: 20 }); // { statistic: ≈ 19.7802197802, pValue: ≈ 8.6877e-6, dof: 1 }
 */
export function chiSquared(ref: CategoryCounts, cur: CategoryCounts): ChiSquaredResult {
  const table = alignCategories('chiSquared(ref, cur)', ref, cur);
  // Weights far from 1 (1e-300, 1e200) would under- or overflow R·C: the statistic is computed on the
  // counts divided by a power of two near the largest (exact), then multiplied back, since X² scales
  // with the counts.
  let largest = 0;
  for (let j = 0; j < table.keys.length; j++)
    largest = Math.max(largest, table.ref[j] as number, table.cur[j] as number);
  const scale = 2 ** Math.floor(Math.log2(largest));
  const refTotal = table.refTotal / scale;
  const curTotal = table.curTotal / scale;
  let scaled = 0;
  let kept = 0;
  for (let j = 0; j < table.keys.length; j++) {
    const r = (table.ref[j] as number) / scale;
    const c = (table.cur[j] as number) / scale;
    const total = r + c;
    if (total === 0) continue;
    kept++;
    // rⱼC − cⱼR without cancellation, then (rⱼ/R − cⱼ/C)² · RC / tⱼ as (d / RC) · (d / tⱼ).
    const d = differenceOfProducts(r, curTotal, c, refTotal);
    scaled += (d / (refTotal * curTotal)) * (d / total);
  }
  if (kept <= 1) return { statistic: 0, pValue: 1, dof: 0 };
  const statistic = scaled * scale;
  if (!Number.isFinite(statistic)) {
    throw new RangeError(`chiSquared(ref, cur): the statistic of these counts exceeds the largest double.`);
  }
  const dof = kept - 1;
  return { statistic, pValue: chiSquaredSurvival(statistic, dof), dof };
}
