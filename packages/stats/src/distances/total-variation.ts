import { l1 } from './d1.js';

/**
 * Total variation distance, the largest difference in probability the two histograms assign to any
 * set of bins: half of D1 (`d1`), so it ranges from 0 to 1.
 *
 * @example
 * totalVariation([50, 50], [80, 20]); // 0.3
 */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  return l1('totalVariation(p, q)', p, q) / 2;
}
