import { logBeta } from './log-beta.js';
import { log1pmx } from './log1pmx.js';
import { stirlingCorrection } from './stirling-correction.js';

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);
/** Smallest positive normal double; below it pow and exp lose relative precision. */
const MIN_NORMAL = 2 ** -1022;

/** ln(r) − (r − 1) for r = x·total/shape, computed from x directly so the difference does not cancel. */
function logRatioExcess(x: number, shape: number, total: number): number {
  const ratio = (x * total) / shape;
  if (ratio < 0.5) return Math.log(ratio) - (ratio - 1);
  return log1pmx((x * total - shape) / shape);
}

/**
 * xᵃ·yᵇ / B(a, b) with y = 1 − x, for a, b > 0 and 0 ≤ x ≤ 1: the prefactor of the incomplete-beta
 * continued fraction (it is x·y times the Beta(a, b) density). Both x and y are passed so that callers
 * keep full precision near either end of [0, 1].
 *
 * With a, b ≥ 10 the exponent is a·[ln(x/x₀) − (x/x₀ − 1)] + b·[ln(y/y₀) − (y/y₀ − 1)] around the
 * mean x₀ = a/(a + b), plus ½·ln(ab / (2π(a + b))) and Stirling remainders (the linear terms cancel
 * exactly because x + y = 1); this avoids the catastrophic cancellation of a·ln x + b·ln y − ln B(a, b)
 * when a and b are large (binomial intervals with n = 10⁶).
 *
 * @example
 * betaPowerTerm(0.5, 0.5, 1, 1); // ≈ 0.25
 */
export function betaPowerTerm(x: number, y: number, a: number, b: number): number {
  if (x === 0 || y === 0) return 0;
  if (a >= 10 && b >= 10) {
    const total = a + b;
    const exponent =
      a * logRatioExcess(x, a, total) +
      b * logRatioExcess(y, b, total) +
      stirlingCorrection(total) -
      stirlingCorrection(a) -
      stirlingCorrection(b);
    return Math.exp(exponent) * Math.sqrt((a * b) / total) * INV_SQRT_TWO_PI;
  }
  // zᵉ by pow while z is small (pow is accurate to an ulp; exp(e·ln z) would carry |e·ln z|·ε), and
  // through log1p of the complement when z is close to 1, where z itself has lost digits.
  const logB = logBeta(a, b);
  const powerX = x < 0.5 ? x ** a : Math.exp(a * Math.log1p(-y));
  const powerY = y < 0.5 ? y ** b : Math.exp(b * Math.log1p(-x));
  const direct = (powerX * powerY) / Math.exp(logB);
  const normal = powerX >= MIN_NORMAL && powerY >= MIN_NORMAL && direct >= MIN_NORMAL;
  if (normal && direct < Number.POSITIVE_INFINITY) return direct;
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  return Math.exp(a * logX + b * logY - logB);
}
