import { type DistanceMethod, type NullThresholdOptions, nullIsAsymptotic } from '@modelpulse/stats';

/**
 * The window size a threshold is simulated at: below 16 the size itself, above it the largest 2^(k/8)
 * not above n. Windows change size every cycle; on this grid (steps of 9 %) one simulation serves every
 * nearby size, and since no-drift distances shrink as n grows, using a slightly smaller n only raises the
 * threshold — by at most 2^(1/16) ≈ 4.4 % for distances that scale as 1/√n: fewer false alarms, never
 * more.
 */
export function gridSize(n: number): number {
  if (n < 16) return n;
  // Grid points are floor(2^(k/8)); step k past floating-point error either way.
  const point = (k: number) => Math.floor(2 ** (k / 8));
  let k = Math.floor(8 * Math.log2(n));
  while (point(k + 1) <= n) k++;
  while (point(k) > n) k--;
  return point(k);
}

/**
 * The window size to ask `nullThreshold` / `nullPValueFor` about: n itself where the large-sample law
 * applies (its cost and cache entries do not depend on n, so the exact size costs nothing), else the
 * simulation grid's {@link gridSize}.
 */
export function thresholdSize(
  method: DistanceMethod,
  reference: ArrayLike<number>,
  n: number,
  options: NullThresholdOptions = {},
): number {
  if (n >= 16 && nullIsAsymptotic(method, reference, n, options)) return n;
  return gridSize(n);
}
