import { assertNumber } from '../internal/assert.js';
import { gammaPowerTerm } from './gamma-power-term.js';
import { incompleteGamma } from './incomplete-gamma.js';
import { logGamma } from './log-gamma.js';
import { normalQuantile } from './normal-quantile.js';

const MAX_ITERATIONS = 200;

/**
 * Inverse of the chi-squared survival function: the x ≥ 0 with P(χ²_dof ≥ x) = q, i.e. the (1 − q)
 * quantile, for 0 ≤ q ≤ 1 and dof > 0 (q = 0 gives Infinity, q = 1 gives 0). Taking the upper tail
 * probability keeps small levels such as q = 1e-12 exact. Accurate to about 1e-13 relative. Equals
 * `scipy.stats.chi2.isf(q, dof)` = `scipy.stats.chi2.ppf(1 - q, dof)`.
 *
 * Newton's method on ln Q(dof/2, x/2) in ln x from the Wilson–Hilferty start (the log-survival is
 * nearly linear there, and concave, so the steps approach the root from one side), kept inside a
 * bracket that falls back to bisection whenever a step leaves it; for q > 0.5, on ln P instead.
 *
 * @example
 * chiSquaredInverseSurvival(0.05, 1); // ≈ 3.8414588206941
 * chiSquaredInverseSurvival(0.01, 9); // ≈ 21.66599433
 */
export function chiSquaredInverseSurvival(q: number, dof: number): number {
  const fn = 'chiSquaredInverseSurvival(q, dof)';
  assertNumber(fn, 'q', q, { min: 0, max: 1 });
  assertNumber(fn, 'dof', dof, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  if (q === 0) return Number.POSITIVE_INFINITY;
  if (q === 1) return 0;
  const a = dof / 2;
  // Wilson–Hilferty: (χ²/dof)^(1/3) is nearly normal with mean 1 − 2/(9 dof) and variance 2/(9 dof).
  const v = 2 / (9 * dof);
  const wilsonHilferty = (z: number) => dof * Math.max(1 - v + z * Math.sqrt(v), 0.01) ** 3;
  // Near q = 1 the root is close to 0, where Q is flat at 1: solve on the lower tail instead, whose
  // probability 1 − q is exact for q ≥ 0.5, from the smaller of Wilson–Hilferty and the small-x series
  // P ≈ (x/2)^a / Γ(a + 1).
  if (q > 0.5) {
    const p = 1 - q;
    const series = 2 * Math.exp((Math.log(p) + logGamma(a + 1)) / a);
    return solve(a, p, 'lower', Math.min(wilsonHilferty(normalQuantile(p)), series), dof);
  }
  return solve(a, q, 'upper', wilsonHilferty(-normalQuantile(q)), dof);
}

/**
 * The x where the chosen tail of χ²_dof (P(a, x/2) or Q(a, x/2), a = dof/2) equals `target`: Newton on
 * the log of the tail in ln x (concave, so the steps approach the root from one side), kept inside a
 * bracket that falls back to bisection whenever a step leaves it.
 */
function solve(a: number, target: number, tail: 'lower' | 'upper', start: number, dof: number): number {
  const logTarget = Math.log(target);
  let x = start > 0 && Number.isFinite(start) ? start : Math.min(dof, Number.MAX_VALUE);
  let below = 0; // x values on the root's low side
  let above = Number.POSITIVE_INFINITY;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const y = x / 2;
    const value = incompleteGamma(a, y)[tail];
    // g = ln tail − ln target, through the ratio where it is representable (the difference of logs
    // would add |ln target|·ε).
    const ratio = value / target;
    const g = ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(value) - logTarget;
    if (g === 0) return x;
    // P rises with x and Q falls: a tail above its target lies past the root for P, before it for Q.
    if (g > 0 === (tail === 'lower')) above = x;
    else below = x;
    // d ln P / d ln x = y·density(y)/P = gammaPowerTerm(a, y)/P; for Q the same with a minus sign.
    const slope = ((tail === 'lower' ? 1 : -1) * gammaPowerTerm(a, y)) / value;
    let next = x * Math.exp(-g / slope);
    if (!(Number.isFinite(next) && next > below && next < above)) {
      next = Number.isFinite(above) ? (below + above) / 2 : Math.max(2 * x, x + 1);
    }
    if (Math.abs(next - x) <= 4 * Number.EPSILON * x) return next;
    x = next;
  }
  return x;
}
