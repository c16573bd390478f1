import { normalQuantile } from '../special/normal-quantile.js';
import { assertProportionArguments, type ProportionInterval } from './proportion-interval.js';

/**
 * Wilson score interval (no continuity correction) for a binomial proportion: the p with
 * |k − np| ≤ z·√(np(1 − p)), z = Φ⁻¹(1 − α/2), α = 1 − confidence. It keeps close to nominal coverage
 * for small n and proportions near 0 or 1, unlike the Wald interval. The bound at an extreme count is
 * exact: k = 0 gives lower = 0 and k = n gives upper = 1.
 *
 * Equals `scipy.stats.binomtest(k, n).proportion_ci(confidence, method='wilson')` (Newcombe 1998,
 * method 3). The lower root is taken as (k²/n) / ((n + z²)·upper), the product of the roots over the
 * larger one, which avoids the cancellation in center − half-width for small k.
 *
 * @param successes whole number of successes k, 0 ≤ k ≤ n
 * @param n whole number of trials, n ≥ 1
 * @param confidence two-sided confidence level in (0, 1), default 0.95
 * @example
 * wilson(7, 50); // { lower: ≈ 0.0695083342701629, upper: ≈ 0.261861937105855 }
 */
export function wilson(successes: number, n: number, confidence = 0.95): ProportionInterval {
  assertProportionArguments('wilson(successes, n, confidence)', successes, n, confidence);
  const z = criticalValue(confidence);
  const z2 = z * z;
  const denominator = 2 * (n + z2);
  const center = (2 * successes + z2) / denominator;
  const halfWidth = (z * Math.sqrt((4 * successes * (n - successes)) / n + z2)) / denominator;
  const upperRoot = center + halfWidth;
  const lower = successes === 0 ? 0 : (successes / n) * (successes / ((n + z2) * upperRoot));
  const upper = successes === n ? 1 : Math.min(1, upperRoot);
  return { lower, upper };
}

/** z for the last confidence asked for: a monitor asks at one level for every feature and window. */
let lastConfidence = Number.NaN;
let lastZ = Number.NaN;

function criticalValue(confidence: number): number {
  if (confidence !== lastConfidence) {
    lastZ = -normalQuantile((1 - confidence) / 2);
    lastConfidence = confidence;
  }
  return lastZ;
}
