import { assertNumber } from '../internal/assert.js';
import { logGamma } from './log-gamma.js';
import { stirlingCorrection } from './stirling-correction.js';

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0.
 *
 * When the larger argument q is ≥ 10, ln Γ(q) − ln Γ(p + q) is formed from Stirling's formula in closed
 * form, −p·ln q − (p + q − ½)·ln(1 + p/q) + p plus the Stirling remainders, instead of subtracting two
 * nearly equal large logarithms (ln Γ(10⁶) ≈ 1.3e7 would otherwise cost seven digits).
 *
 * @example
 * logBeta(2, 3); // ≈ -2.484906649788 — ln(1/12)
 */
export function logBeta(a: number, b: number): number {
  assertNumber('logBeta(a, b)', 'a', a, { min: 0, open: true });
  assertNumber('logBeta(a, b)', 'b', b, { min: 0, open: true });
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q < 10) return logGamma(p) + logGamma(q) - logGamma(p + q);
  const tail =
    stirlingCorrection(q) -
    stirlingCorrection(p + q) -
    p * Math.log(q) -
    (p + q - 0.5) * Math.log1p(p / q) +
    p;
  if (p >= 10) {
    // Both large: ln Γ(p) by Stirling as well, so the p·ln p terms cancel algebraically.
    return (p - 0.5) * Math.log(p) - p + 0.5 * Math.log(2 * Math.PI) + stirlingCorrection(p) + tail;
  }
  return logGamma(p) + tail;
}
