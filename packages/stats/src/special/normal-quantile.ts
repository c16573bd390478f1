import { assertNumber } from '../internal/assert.js';

// Wichura (1988), Algorithm AS 241 (PPND16), Applied Statistics 37(3):477–484: three rational
// approximations of degree 7/7, each with relative error below 1e-16 on its range. The published
// 20-digit coefficients are written here as the doubles they round to (shortest round-trip form).
// Central region |p − ½| ≤ 0.425, in r = 0.180625 − (p − ½)².
const CENTRAL_NUM = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const CENTRAL_DEN = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
// Intermediate tail, r = √(−ln min(p, 1 − p)) ≤ 5, in r − 1.6.
const NEAR_NUM = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 7.745450142783414e-4,
];
const NEAR_DEN = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  5.475938084995345e-4, 1.0507500716444169e-9,
];
// Far tail, r > 5 (down to p ≈ 1e-300 and below), in r − 5.
const FAR_NUM = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 2.7115555687434876e-5, 2.0103343992922881e-7,
];
const FAR_DEN = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 7.868691311456133e-4, 1.8463183175100548e-5,
  1.421511758316446e-7, 2.0442631033899397e-15,
];

/** Evaluates Σ cᵢ·tⁱ by Horner's rule. */
function polynomial(coefficients: readonly number[], t: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * t + (coefficients[i] as number);
  return sum;
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 ≤ p ≤ 1 (−Infinity at 0, +Infinity at 1), to full double
 * precision (relative error ≈ 1e-16) by Wichura's AS 241, including the far tails (p = 1e-300 gives
 * −37.0471…). Equals `scipy.special.ndtri(p)` = `scipy.stats.norm.ppf(p)`.
 *
 * Above ½ the result is computed from 1 − p, so it can be no more precise than that difference:
 * for an upper quantile pass the small tail probability and negate, `-normalQuantile(alpha)`.
 *
 * @example
 * normalQuantile(0.975); // ≈ 1.959963984540054
 */
export function normalQuantile(p: number): number {
  assertNumber('normalQuantile(p)', 'p', p, { min: 0, max: 1 });
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x =
    r <= 5
      ? polynomial(NEAR_NUM, r - 1.6) / polynomial(NEAR_DEN, r - 1.6)
      : polynomial(FAR_NUM, r - 5) / polynomial(FAR_DEN, r - 5);
  return q < 0 ? -x : x;
}
