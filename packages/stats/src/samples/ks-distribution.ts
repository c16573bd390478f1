// Survival function P(Dₙ ≥ d) of the two-sided one-sample Kolmogorov–Smirnov statistic
//   Dₙ = sup_x |Fₙ(x) − F(x)|,
// following the method selection of Simard & L'Ecuyer (2011), "Computing the two-sided
// Kolmogorov–Smirnov distribution", JSS 39(11), with the same cut-offs as scipy.stats.kstwo:
//   • n·d ≤ 1 and n·d ≥ n − 1: Ruben & Gambino (1982) closed forms;
//   • d ≥ 1/2, or large n·d²: 2·P(D⁺ₙ ≥ d) (the two one-sided events cannot both happen, or almost);
//   • n ≤ 140: Durbin matrix (n·d² ≤ 0.754693) or Pomeranz recursion (n·d² ≤ 4);
//   • larger n: Durbin matrix for tiny d (n ≤ 100 000, n·d^{3/2} ≤ 1.4), otherwise Pelz–Good.

import { assertInteger, assertNumber } from '../internal/assert.js';
import { durbinCdf } from './ks-durbin.js';
import { clip01 } from './ks-float.js';
import { pelzGoodCdf } from './ks-pelz-good.js';
import { pomeranzCdf } from './ks-pomeranz.js';
import { smirnovSf } from './ks-smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
// Stirling series coefficients B₂ⱼ / (2j(2j−1)), j = 8 … 1 (highest power first).
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/** log(n! / nⁿ) by Stirling's series, with n·log n cancelled analytically. */
function logFactorialOverPower(n: number): number {
  const r = 1 / n;
  const r2 = r / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * r2 + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + r * poly;
}

/** P(Dₙ ≥ d) for 0 < d < 1 (Simard & L'Ecuyer's dispatch). */
function kolmogorovSf(n: number, d: number): number {
  const t = n * d;
  if (t <= 1) {
    // Ruben–Gambino: P(Dₙ ≤ d) = n!/nⁿ (2t − 1)ⁿ for 1/2 ≤ t ≤ 1.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      const base = 2 * t - 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * base;
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  // Ruben–Gambino: P(Dₙ ≥ d) = 2(1 − d)ⁿ for n·d ≥ n − 1.
  if (t >= n - 1) return clip01(2 * (1 - d) ** n);
  if (d >= 0.5) return clip01(2 * smirnovSf(n, d));

  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) return clip01(1 - durbinCdf(n, d));
    if (nd2 <= 4) return clip01(1 - pomeranzCdf(n, d));
    return clip01(2 * smirnovSf(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip01(2 * smirnovSf(n, d));
  const cdf = n <= 100_000 && n * d ** 1.5 <= 1.4 ? durbinCdf(n, d) : pelzGoodCdf(n, d);
  return clip01(1 - cdf);
}

/**
 * P(Dₙ ≥ d): survival function of the two-sided one-sample Kolmogorov–Smirnov statistic for a
 * sample of size n (an integer ≥ 1). Equals `scipy.stats.kstwo.sf(d, n)`. A non-integer or
 * non-positive n, or a NaN d, throws (scipy would return NaN).
 *
 * @example
 * ksOneSampleSf(100, 0.2);  // ≈ 0.00055519273280 — scipy.stats.kstwo.sf(0.2, 100)
 * ksOneSampleSf(1000, 0.05); // ≈ 0.0130120747811 — scipy.stats.kstwo.sf(0.05, 1000)
 */
export function ksOneSampleSf(n: number, d: number): number {
  assertInteger('ksOneSampleSf(n, d)', 'n', n, 1);
  assertNumber('ksOneSampleSf(n, d)', 'd', d);
  // Support of Dₙ is [1/(2n), 1].
  if (d <= 0.5 / n) return 1;
  if (d >= 1) return 0;
  return kolmogorovSf(n, d);
}
