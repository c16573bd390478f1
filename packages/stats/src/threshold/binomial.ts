import { logGamma } from '../special/log-gamma.js';
import type { Random } from './random.js';

/**
 * One draw from Binomial(n, p) by inversion: from 0 when the mean is small, otherwise a chop-down search
 * outward from the mode (Kemp 1986), which takes O(√(np(1−p))) steps and is exact up to rounding. Exact
 * matters here: a normal approximation would misstate exactly the tails the thresholds are made of.
 */
export function sampleBinomial(n: number, p: number, random: Random): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, random);
  const q = 1 - p;
  const odds = p / q;
  if (n * p < 30) {
    let u = random();
    let pmf = Math.exp(n * Math.log1p(-p));
    for (let k = 0; k < n; k++) {
      if (u < pmf) return k;
      u -= pmf;
      pmf *= ((n - k) / (k + 1)) * odds;
    }
    return n;
  }
  const mode = Math.floor((n + 1) * p);
  const pmfMode = Math.exp(
    logGamma(n + 1) -
      logGamma(mode + 1) -
      logGamma(n - mode + 1) +
      mode * Math.log(p) +
      (n - mode) * Math.log(q),
  );
  let u = random() - pmfMode;
  if (u < 0) return mode;
  let down = mode;
  let up = mode;
  let pmfDown = pmfMode;
  let pmfUp = pmfMode;
  while (down > 0 || up < n) {
    if (up < n) {
      pmfUp *= ((n - up) / (up + 1)) * odds;
      up++;
      u -= pmfUp;
      if (u < 0) return up;
    }
    if (down > 0) {
      pmfDown *= down / (n - down + 1) / odds;
      down--;
      u -= pmfDown;
      if (u < 0) return down;
    }
  }
  return mode; // the residual mass lost to rounding
}

/**
 * One multinomial draw of n items over `shares` (which sum to 1), as a chain of conditional binomials.
 * Writes the counts into `out` and returns it.
 */
export function sampleMultinomial(
  n: number,
  shares: ArrayLike<number>,
  random: Random,
  out: Float64Array,
): Float64Array {
  let last = shares.length - 1;
  while (last > 0 && !((shares[last] as number) > 0)) last--;
  let left = n;
  let mass = 1;
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i] as number;
    let k = 0;
    if (i === last) k = left;
    else if (i < last && left > 0 && share > 0) k = sampleBinomial(left, Math.min(1, share / mass), random);
    out[i] = k;
    left -= k;
    mass -= share;
  }
  return out;
}
