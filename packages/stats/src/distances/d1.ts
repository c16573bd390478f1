import { sharesOf } from './shares.js';

/**
 * D1: the L1 distance between two histograms on the same bins, Σ|pᵢ − qᵢ| over their shares.
 * Ranges from 0 (identical) to 2 (disjoint support). Counts go in; they are normalised here.
 *
 * @example
 * d1([50, 50], [80, 20]); // 0.6
 */
export function d1(p: ArrayLike<number>, q: ArrayLike<number>): number {
  return l1('d1(p, q)', p, q);
}

/** Σ|pᵢ − qᵢ| over the shares, errors named after the function the caller called. @internal */
export function l1(fn: string, p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [ps, qs] = sharesOf(fn, p, q);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) sum += Math.abs((ps[i] as number) - (qs[i] as number));
  return sum;
}
