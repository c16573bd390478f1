import { inverseIncompleteBeta } from '../special/inverse-incomplete-beta.js';
import { assertProportionArguments, type ProportionInterval } from './proportion-interval.js';

/**
 * Clopper–Pearson ("exact") interval for a binomial proportion: the set of p not rejected by either
 * one-sided binomial test at level α/2, α = 1 − confidence. Its coverage is at least the nominal level
 * for every p and n (it is conservative). The limits are Beta quantiles:
 * lower = B⁻¹(α/2; k, n − k + 1) (0 when k = 0) and upper = B⁻¹(1 − α/2; k + 1, n − k) (1 when k = n).
 *
 * Equals `scipy.stats.binomtest(k, n).proportion_ci(confidence, method='exact')`; scipy finds the limits
 * with a root finder (xtol 2e-12), here they come from the inverse incomplete beta to about 1e-15.
 *
 * @param successes whole number of successes k, 0 ≤ k ≤ n
 * @param n whole number of trials, n ≥ 1
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 * @example
 * clopperPearson(7, 50); // { lower: ≈ 0.0581917003403721, upper: ≈ 0.267396002497008 }
 */
export function clopperPearson(successes: number, n: number, confidence = 0.95): ProportionInterval {
  assertProportionArguments('clopperPearson(successes, n, confidence)', successes, n, confidence);
  const tail = (1 - confidence) / 2;
  const lower = successes === 0 ? 0 : inverseIncompleteBeta(tail, 1 - tail, successes, n - successes + 1);
  const upper = successes === n ? 1 : inverseIncompleteBeta(1 - tail, tail, successes + 1, n - successes);
  return { lower, upper };
}
