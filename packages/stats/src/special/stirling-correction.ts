import { logGamma } from './log-gamma.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// Coefficients B₂ₖ / (2k(2k − 1)) of the Stirling series 1/(12x) − 1/(360x³) + 1/(1260x⁵) − …
const SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * The remainder of Stirling's formula, ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π], for x > 0.
 *
 * For x ≥ 10 the asymptotic series is truncated after eight terms (the next is below 1e-17 relative);
 * below 10 it is taken from {@link logGamma}, with an absolute error near 1e-15. Splitting ln Γ this
 * way keeps the large, cancelling terms of ratios like Γ(a + b) / (Γ(a)·Γ(b)) exact in closed form.
 *
 * @example
 * stirlingCorrection(10); // ≈ 0.00833056343336287 — 1/120 − 1/360000 + …
 */
export function stirlingCorrection(x: number): number {
  if (x < 10) return logGamma(x) - ((x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI);
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  let sum = 0;
  for (let k = SERIES.length - 1; k >= 0; k--) sum = sum * inverse2 + (SERIES[k] as number);
  return sum * inverse;
}
