import { assertArray, assertEdges, describe } from '../internal/assert.js';

/**
 * Counts values the way an OpenTelemetry explicit-bucket histogram does: with boundaries b₀ < … < bₘ₋₁
 * there are m + 1 buckets, (−∞, b₀], (b₀, b₁], …, (bₘ₋₁, +∞), each upper bound inclusive. Profiles use
 * this layout so their expected shares line up bucket for bucket with the histograms services export.
 * NaN, null and undefined are not counted (OTel drops NaN too); how many were skipped is returned as
 * `missing`. Any other non-number throws.
 *
 * @example
 * explicitBuckets([0, 0.05, 0.5, 2], [0, 0.5, 1]); // { counts: [1, 2, 0, 1], missing: 0 }
 */
export function explicitBuckets(
  values: ArrayLike<number>,
  boundaries: ArrayLike<number>,
): { counts: number[]; missing: number } {
  const fn = 'explicitBuckets(values, boundaries)';
  assertArray(fn, 'values', values);
  assertEdges(fn, 'boundaries', boundaries, 1);
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number') {
      // As `histogram`: absent values are missing, anything else is a mistake.
      if (v === null || v === undefined) missing++;
      else throw new TypeError(`${fn}: values[${i}] must be a number, got ${describe(v)}.`);
    } else if (Number.isNaN(v)) missing++;
    else counts[explicitBucketIndex(boundaries, v)]!++;
  }
  return { counts, missing };
}

/** Bucket of `v` for upper-inclusive boundaries: the first i with v ≤ boundaries[i], else boundaries.length. */
export function explicitBucketIndex(boundaries: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (boundaries[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
