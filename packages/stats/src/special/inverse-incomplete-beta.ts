import { assertNumber } from '../internal/assert.js';
import { betaPowerTerm } from './beta-power-term.js';
import { incompleteBeta } from './incomplete-beta.js';
import { logBeta } from './log-beta.js';
import { normalQuantile } from './normal-quantile.js';

const EPS = Number.EPSILON;
const MAX_ITERATIONS = 200;
const LOG_MIN_VALUE = Math.log(Number.MIN_VALUE);

/** ln x of a starting point for I_x(a, b) = p with p ≤ ½. */
function initialLogGuess(p: number, a: number, b: number): number {
  // I_x(a, b) ≤ xᵃ / (a·B(a, b)) when b ≥ 1, so this point lies at or left of the root.
  const tailBound = (Math.log(p) + Math.log(a) + logBeta(a, b)) / a;
  let guess: number;
  if (a >= 1 && b >= 1) {
    // Abramowitz & Stegun 26.5.22: x ≈ a / (a + b·e^{2w}) with y the upper normal deviate of p.
    const y = -normalQuantile(p);
    const lambda = (y * y - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w =
      (y * Math.sqrt(h + lambda)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5 / 6 - 2 / (3 * h));
    guess = Math.max(-Math.log1p((b / a) * Math.exp(2 * w)), tailBound);
  } else {
    // Small shape parameters: invert the leading power of whichever end holds the root.
    const lowerMass = Math.exp(a * Math.log(a / (a + b))) / a;
    const upperMass = Math.exp(b * Math.log(b / (a + b))) / b;
    const mass = lowerMass + upperMass;
    guess =
      p < lowerMass / mass ? Math.log(a * mass * p) / a : Math.log1p(-((b * mass * (1 - p)) ** (1 / b)));
  }
  if (Number.isFinite(guess) && guess < 0) return guess;
  return Number.isFinite(tailBound) && tailBound < 0 ? tailBound : Math.log(0.5);
}

/**
 * Solves I_x(a, b) = p for p ≤ ½ and returns the root as x and y = 1 − x, both to full precision.
 *
 * Newton's method on G(t) = ln I(eᵗ) − ln p in t = ln x: in the lower tail G is nearly linear in t
 * (I ≈ C·xᵃ), and for log-concave Beta densities (a, b ≥ 1) G is concave, so Newton converges
 * monotonically once it is left of the root. A bracket [low, high] on t falls back to bisection whenever
 * a step leaves it. Near the root the step δ is applied as x ← x·e^δ without rounding through t, so small
 * roots keep their relative precision (t = ln x itself only holds |t|·ε).
 */
function solveLowerTail(p: number, a: number, b: number): { x: number; y: number } {
  const logP = Math.log(p);
  let t = initialLogGuess(p, a, b);
  let x = Math.exp(t);
  let y = -Math.expm1(t);
  let low = Number.NEGATIVE_INFINITY;
  let high = 0;
  let polishing = 0;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const lower = incompleteBeta(x, y, a, b).lower;
    // ln(I/p) from the ratio where it is representable: ln I − ln p would carry |ln p|·ε of noise.
    const ratio = lower / p;
    const g = ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(lower) - logP;
    if (g === 0) break;
    t = x < 0.5 ? Math.log(x) : Math.log1p(-y);
    if (g < 0) low = t;
    else high = t;
    // dG/dt = x·density / I = xᵃyᵇ / (B(a, b)·y·I).
    const delta = -g / (betaPowerTerm(x, y, a, b) / (y * lower));
    const next = t + delta;
    // Small steps may round back onto the bracket end in t, hence the non-strict test here.
    if (Number.isFinite(delta) && Math.abs(delta) < 1e-3 && next >= low && next <= high) {
      const dx = x * Math.expm1(delta);
      x += dx;
      y -= dx;
      // Converged once the step is below an ulp of the smaller of x and y (the one returned may be
      // either); a few extra steps absorb evaluation noise without looping forever.
      const change = Math.abs(dx) / Math.min(x, y);
      if (change <= EPS) break;
      if (change < 1e-9 && ++polishing > 3) break;
      continue;
    }
    if (Number.isFinite(delta) && next > low && next < high) t = next;
    else if (Number.isFinite(low)) t = 0.5 * (low + high);
    else t = Math.max(t - Math.max(1, Math.abs(t)), LOG_MIN_VALUE);
    if (high - low <= EPS * Math.abs(t)) break;
    x = Math.exp(t);
    y = -Math.expm1(t);
  }
  return { x, y };
}

/**
 * x with I_x(a, b) = p, given both p and q = 1 − p precisely (so that upper-tail targets such as
 * q = 1e-12 keep their digits), without argument checks. The smaller of p and q is solved as a lower
 * tail, of Beta(a, b) or of the mirrored Beta(b, a).
 */
export function inverseIncompleteBeta(p: number, q: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (q <= 0) return 1;
  return p <= q ? solveLowerTail(p, a, b).x : solveLowerTail(q, b, a).y;
}

/**
 * Inverse of the regularized incomplete beta function in x: the x in [0, 1] with I_x(a, b) = p, i.e.
 * the p-quantile of the Beta(a, b) distribution, to about 1e-15 relative. Equals
 * `scipy.special.betaincinv(a, b, p)` = `scipy.stats.beta.ppf(p, a, b)`.
 *
 * @example
 * inverseRegularizedBeta(0.6875, 2, 3); // ≈ 0.5 — since I_½(2, 3) = 11/16
 */
export function inverseRegularizedBeta(p: number, a: number, b: number): number {
  const fn = 'inverseRegularizedBeta(p, a, b)';
  assertNumber(fn, 'p', p, { min: 0, max: 1 });
  assertNumber(fn, 'a', a, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  assertNumber(fn, 'b', b, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  return inverseIncompleteBeta(p, 1 - p, a, b);
}
