import { logGamma } from './log-gamma.js';
import { log1pmx } from './log1pmx.js';
import { stirlingCorrection } from './stirling-correction.js';

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);
/** Smallest positive normal double; below it pow and exp lose relative precision. */
const MIN_NORMAL = 2 ** -1022;

/**
 * xᵃ·e⁻ˣ / Γ(a) for a > 0, x ≥ 0: the factor in front of both incomplete-gamma expansions (it is
 * x times the gamma density at x).
 *
 * For a ≥ 10 the exponent is rewritten as a·[ln(x/a) − (x/a − 1)] − ln Γ*(a) with Γ* the Stirling
 * remainder, so that the large terms a·ln x, x and ln Γ(a) never cancel numerically; the relative error
 * is then about ε·|ln result|, the conditioning of the function itself.
 *
 * @example
 * gammaPowerTerm(1, 2); // ≈ 0.27067056647323 — 2·e⁻²
 */
export function gammaPowerTerm(a: number, x: number): number {
  if (x === 0) return 0;
  if (a < 10) {
    // xᵃ and e⁻ˣ each to an ulp; exp(a·ln x − x − ln Γ(a)) would carry (a·|ln x| + x)·ε.
    const power = x ** a;
    const decay = Math.exp(-x);
    const direct = (power * decay) / Math.exp(logGamma(a));
    const normal = power >= MIN_NORMAL && decay >= MIN_NORMAL && direct >= MIN_NORMAL;
    if (normal && direct < Number.POSITIVE_INFINITY) return direct;
    return Math.exp(a * Math.log(x) - x - logGamma(a));
  }
  const ratio = x / a;
  // ln(ratio) − (ratio − 1): through log1pmx near 1, where the difference cancels.
  const shape = ratio < 0.5 ? Math.log(ratio) - (ratio - 1) : log1pmx((x - a) / a);
  return Math.exp(a * shape - stirlingCorrection(a)) * Math.sqrt(a) * INV_SQRT_TWO_PI;
}
