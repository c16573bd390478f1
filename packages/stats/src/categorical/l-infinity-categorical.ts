import { alignCategories, type CategoryCounts } from './category-counts.js';

/**
 * L∞ distance between two categorical distributions given as category → count maps: the largest
 * absolute difference in any category's share, over the union of categories (a category seen on one
 * side only counts with share 0 on the other, so new or vanished values show up). Range 0–1; the
 * categorical skew measure of TFDV / Vertex AI.
 *
 * @example
 * lInfinityCategorical({ car: 60, house: 40 }, { car: 50, house: 30, boat: 20 }); // 0.2
 */
export function lInfinityCategorical(ref: CategoryCounts, cur: CategoryCounts): number {
  const a = alignCategories('lInfinityCategorical(ref, cur)', ref, cur);
  let max = 0;
  for (let i = 0; i < a.keys.length; i++) {
    max = Math.max(max, Math.abs((a.ref[i] as number) / a.refTotal - (a.cur[i] as number) / a.curTotal));
  }
  return max;
}
