import { assertNumber } from '../internal/assert.js';
import { classicalBetaFraction, didonatoMorrisBetaFraction } from './beta-continued-fractions.js';
import { betaPowerTerm } from './beta-power-term.js';

/** Both regularized incomplete betas; the one computed directly keeps full relative accuracy. */
export interface BetaPair {
  /** I_x(a, b), the lower tail. */
  lower: number;
  /** 1 − I_x(a, b), the upper tail. */
  upper: number;
}

/**
 * I_x(a, b) and 1 − I_x(a, b) for a, b > 0, with x and y = 1 − x both supplied (so that values close
 * to 1 keep their distance to 1), without argument checks. The tail on the near side of the mean is
 * summed directly, the other is its complement: for a, b ≥ 1 with the DiDonato–Morris fraction (split at
 * the mean a/(a + b)), otherwise with the classical one (split at (a + 1)/(a + b + 2)).
 */
export function incompleteBeta(x: number, y: number, a: number, b: number): BetaPair {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  let lowerSide: boolean;
  let tail: number;
  if (a >= 1 && b >= 1) {
    // λ = a − (a + b)x = (a + b)y − b; the form subtracting the smaller product cancels less.
    const lambda = a <= b ? a - (a + b) * x : (a + b) * y - b;
    lowerSide = lambda >= 0;
    tail = lowerSide
      ? betaPowerTerm(x, y, a, b) * didonatoMorrisBetaFraction(x, y, a, b, lambda)
      : betaPowerTerm(y, x, b, a) * didonatoMorrisBetaFraction(y, x, b, a, -lambda);
  } else {
    lowerSide = x * (a + b + 2) < a + 1;
    tail = lowerSide
      ? (betaPowerTerm(x, y, a, b) * classicalBetaFraction(x, a, b)) / a
      : (betaPowerTerm(y, x, b, a) * classicalBetaFraction(y, b, a)) / b;
  }
  tail = Math.min(1, tail);
  return lowerSide ? { lower: tail, upper: 1 - tail } : { lower: 1 - tail, upper: tail };
}

/**
 * Regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b) for 0 ≤ x ≤ 1 and a, b > 0,
 * i.e. the CDF of the Beta(a, b) distribution at x. Equals `scipy.special.betainc(a, b, x)` (note
 * scipy's argument order).
 *
 * @example
 * regularizedBeta(0.5, 2, 3); // ≈ 0.6875 — 11/16
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  const fn = 'regularizedBeta(x, a, b)';
  assertNumber(fn, 'x', x, { min: 0, max: 1 });
  assertNumber(fn, 'a', a, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  assertNumber(fn, 'b', b, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  return incompleteBeta(x, 1 - x, a, b).lower;
}
