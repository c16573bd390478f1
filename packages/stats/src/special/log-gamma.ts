import { describe } from '../internal/assert.js';

// Lanczos approximation (g = 7, nine terms): error near 1e-15 over the positive reals, relative except
// next to the zeros of ln Γ at 1 and 2, where it is absolute (about 1e-16). That is all the callers
// here (binomial and beta prefactors) need.
const G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Natural logarithm of |Γ(x)| (reflection formula below 0.5). Infinity at the poles 0, −1, −2, … and at
 * +Infinity, as `scipy.special.gammaln`; NaN or a non-number throws.
 *
 * @example
 * logGamma(5); // ≈ 3.17805383035 — ln 4! = ln 24 (Python math.lgamma(5) = 3.178053830347945)
 */
export function logGamma(x: number): number {
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new TypeError(`logGamma(x): x must be a number, got ${describe(x)}.`);
  }
  if (x === Number.POSITIVE_INFINITY || (x <= 0 && Number.isInteger(x))) return Number.POSITIVE_INFINITY;
  return lanczos(x);
}

function lanczos(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lanczos(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  const t = z + G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
