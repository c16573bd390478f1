import { logGamma } from '../special/log-gamma.js';
import type { Random } from './random.js';

/**
 * One draw from Binomial(n, p) by inversion: from 0 when the mode is 0, otherwise a chop-down search
 * outward from the mode (Kemp 1986), which takes O(√(np(1−p))) steps and is exact up to rounding. Exact
 * matters here: a normal approximation would misstate exactly the tails the thresholds are made of.
 * Starting from 0 would take about np steps: 20 per bin for 22 bins and n = 430, against about 7 from the
 * mode, and simulated windows are mostly such draws.
 */
export function sampleBinomial(n: number, p: number, random: Random, start?: Float64Array): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, random, start);
  const q = 1 - p;
  const odds = p / q;
  // `start[n]`: the pmf the search starts from, for callers that draw with one p and many n (NaN: not yet).
  let first = start === undefined ? Number.NaN : (start[n] as number);
  const mode = Math.floor((n + 1) * p);
  if (mode === 0) {
    if (Number.isNaN(first)) {
      first = Math.exp(n * Math.log1p(-p));
      if (start !== undefined) start[n] = first;
    }
    let u = random();
    let pmf = first;
    for (let k = 0; k < n; k++) {
      if (u < pmf) return k;
      u -= pmf;
      pmf *= ((n - k) / (k + 1)) * odds;
    }
    return n;
  }
  if (Number.isNaN(first)) {
    first = Math.exp(
      logGamma(n + 1) -
        logGamma(mode + 1) -
        logGamma(n - mode + 1) +
        mode * Math.log(p) +
        (n - mode) * Math.log(q),
    );
    if (start !== undefined) start[n] = first;
  }
  const pmfMode = first;
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
 * Writes the counts into `out` and returns it. `starts` (per bin, kept by {@link MultinomialSampler})
 * caches each bin's binomial starting pmf across draws of the same n and shares; the draws are the same.
 */
export function sampleMultinomial(
  n: number,
  shares: ArrayLike<number>,
  random: Random,
  out: Float64Array,
  starts?: (Float64Array | undefined)[],
): Float64Array {
  let last = shares.length - 1;
  while (last > 0 && !((shares[last] as number) > 0)) last--;
  let left = n;
  let mass = 1;
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i] as number;
    let k = 0;
    if (i === last) k = left;
    else if (i < last && left > 0 && share > 0) {
      let start: Float64Array | undefined;
      if (starts !== undefined) {
        start = starts[i] ??= new Float64Array(n + 1).fill(Number.NaN);
      }
      k = sampleBinomial(left, Math.min(1, share / mass), random, start);
    }
    out[i] = k;
    left -= k;
    mass -= share;
  }
  return out;
}

/**
 * Many multinomial draws of n items over one set of shares: the same draws as {@link sampleMultinomial}
 * with the same generator, bit for bit, but each bin's conditional probability is fixed, so the pmf its
 * binomial search starts from depends only on the items left and is computed once per (bin, items left)
 * instead of once per draw (three log-gamma calls each).
 */
export class MultinomialSampler {
  readonly #starts: (Float64Array | undefined)[];

  constructor(
    readonly n: number,
    readonly shares: ArrayLike<number>,
  ) {
    this.#starts = new Array(shares.length).fill(undefined);
  }

  sample(random: Random, out: Float64Array): Float64Array {
    return sampleMultinomial(this.n, this.shares, random, out, this.#starts);
  }
}
