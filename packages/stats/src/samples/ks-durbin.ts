// Exact CDF P(Dₙ ≤ d) of the two-sided one-sample KS statistic by Durbin's matrix method (Durbin 1968),
// in the form of Marsaglia, Tsang & Wang (2003), "Evaluating Kolmogorov's distribution", JSS 8(18):
// write n·d = k − h with k a positive integer and 0 ≤ h < 1, build an m×m matrix H (m = 2k − 1),
// and P(Dₙ ≤ d) = n!/nⁿ · (Hⁿ)[k−1][k−1]. Powers are taken by repeated squaring, with a separate
// binary exponent so the entries stay in range. Cost O(m³ log n): meant for small n·d.

import { clip01, ldexp } from './ks-float.js';

const SCALE_EXP = 128;
const BIG = 2 ** SCALE_EXP;
const SMALL = 2 ** -SCALE_EXP;

/** c = a·b for m×m row-major matrices (c must not alias a or b). */
function multiply(a: Float64Array, b: Float64Array, c: Float64Array, m: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let l = 0; l < m; l++) {
      const ail = a[row + l] as number;
      if (ail === 0) continue;
      const bRow = l * m;
      for (let j = 0; j < m; j++) c[row + j] = (c[row + j] as number) + ail * (b[bRow + j] as number);
    }
  }
}

/** P(Dₙ ≤ d) by the Durbin / Marsaglia–Tsang–Wang matrix power, clipped to [0, 1]. */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // First column v[j] = (1 − h^(j+1)) / (j+1)!, except the corner; w[j] = 1/j! fills the band.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let invFactorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = invFactorial;
    invFactorial /= j;
    v[j - 1] = (1 - h ** j) * invFactorial;
  }
  const corner = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + corner) * invFactorial;

  let base = new Float64Array(m * m);
  for (let col = 1; col < m; col++) {
    for (let row = col - 1; row < m; row++) base[row * m + col] = w[row - col + 1] as number;
  }
  for (let row = 0; row < m; row++) base[row * m] = v[row] as number;
  for (let col = 0; col < m; col++) base[(m - 1) * m + col] = v[m - 1 - col] as number;

  // result = baseⁿ by binary powering; each matrix carries its own power-of-two exponent.
  let result = new Float64Array(m * m);
  for (let i = 0; i < m; i++) result[i * m + i] = 1;
  let scratch = new Float64Array(m * m);
  let resultExp = 0;
  let baseExp = 0;
  const diag = (k - 1) * m + (k - 1);
  let remaining = n;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      multiply(result, base, scratch, m);
      [result, scratch] = [scratch, result];
      resultExp += baseExp;
    }
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    multiply(base, base, scratch, m);
    [base, scratch] = [scratch, base];
    baseExp *= 2;
    if (Math.abs(base[diag] as number) > BIG) {
      for (let i = 0; i < base.length; i++) base[i] = (base[i] as number) * SMALL;
      baseExp += SCALE_EXP;
    }
  }

  // Multiply by n!/nⁿ one factor at a time, rescaling before underflow.
  let p = result[diag] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SMALL) {
      p *= BIG;
      resultExp -= SCALE_EXP;
    }
  }
  p = ldexp(p, resultExp);
  return clip01(p);
}
