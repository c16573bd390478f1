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
 * bracket that falls back to bisection whenever a step leaves it.
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
  // Near q = 1 the root is close to 0, where Q is flat at 1: solve on the lower tail instead, whose
  // probability 1 − q is exact for q ≥ 0.5.
  if (q > 0.5) return lowerTailInverse(1 - q, a, dof);
  const logQ = Math.log(q);
  // Wilson–Hilferty: (χ²/dof)^(1/3) is nearly normal with mean 1 − 2/(9 dof) and variance 2/(9 dof).
  const z = -normalQuantile(q);
  const v = 2 / (9 * dof);
  let x = dof * Math.max(1 - v + z * Math.sqrt(v), 0.01) ** 3;
  if (!(x > 0) || !Number.isFinite(x)) x = dof;
  let low = 0; // x values with Q > q lie below the root, Q < q above it
  let high = Number.POSITIVE_INFINITY;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const y = x / 2;
    const upper = incompleteGamma(a, y).upper;
    // g = ln Q − ln q, through the ratio where it is representable (ln Q − ln q would add |ln q|·ε).
    const ratio = upper / q;
    const g = ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(upper) - logQ;
    if (g === 0) return x;
    if (g > 0) low = x;
    else high = x;
    // d ln Q / d ln x = −y·density(y)/Q = −gammaPowerTerm(a, y)/Q.
    const slope = -gammaPowerTerm(a, y) / upper;
    const step = -g / slope; // in ln x
    let next = x * Math.exp(step);
    if (!(Number.isFinite(next) && next > low && next < high)) {
      next = Number.isFinite(high) ? (low + high) / 2 : Math.max(2 * x, x + 1);
    }
    if (Math.abs(next - x) <= 4 * Number.EPSILON * x) return next;
    x = next;
  }
  return x;
}

/**
 * The x with P(χ²_dof ≤ x) = p, for 0 < p < 0.5: Newton on ln P(a, x/2) in ln x (concave, so the steps
 * approach from one side), from the smaller of the Wilson–Hilferty value and the small-x series
 * P ≈ (x/2)^a / Γ(a + 1), inside a bisection bracket.
 */
function lowerTailInverse(p: number, a: number, dof: number): number {
  const logP = Math.log(p);
  const v = 2 / (9 * dof);
  const wilsonHilferty = dof * Math.max(1 - v + normalQuantile(p) * Math.sqrt(v), 0.01) ** 3;
  const series = 2 * Math.exp((logP + logGamma(a + 1)) / a);
  let x = Math.min(wilsonHilferty, series);
  if (!(x > 0) || !Number.isFinite(x)) x = Math.min(dof, Number.MAX_VALUE);
  let low = 0; // P < p below the root, P > p above it
  let high = Number.POSITIVE_INFINITY;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const y = x / 2;
    const lower = incompleteGamma(a, y).lower;
    const ratio = lower / p;
    const g = ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(lower) - logP;
    if (g === 0) return x;
    if (g < 0) low = x;
    else high = x;
    // d ln P / d ln x = y·density(y)/P = gammaPowerTerm(a, y)/P.
    const slope = gammaPowerTerm(a, y) / lower;
    let next = x * Math.exp(-g / slope);
    if (!(Number.isFinite(next) && next > low && next < high)) {
      next = Number.isFinite(high) ? (low + high) / 2 : Math.max(2 * x, x + 1);
    }
    if (Math.abs(next - x) <= 4 * Number.EPSILON * x) return next;
    x = next;
  }
  return x;
}
