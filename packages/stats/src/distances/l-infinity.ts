import { sharesOf } from './shares.js';

/**
 * L∞ (Chebyshev) distance, the largest absolute difference between the shares of one bin,
 * max |pᵢ − qᵢ|, range 0–1. The distance TFDV / Vertex AI use for categorical skew.
 *
 * @example
 * lInfinity([50, 30, 20], [40, 30, 30]); // 0.1
 */
export function lInfinity(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [ps, qs] = sharesOf('lInfinity(p, q)', p, q);
  let max = 0;
  for (let i = 0; i < ps.length; i++) max = Math.max(max, Math.abs((ps[i] as number) - (qs[i] as number)));
  return max;
}
