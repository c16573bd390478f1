// Exact CDF P(Dₙ ≤ d) of the two-sided one-sample KS statistic by the Pomeranz (1974) recursion
// (CACM Algorithm 487), as organised by Simard & L'Ecuyer (2011), JSS 39(11). Row i of a
// (2n+2)-row table is the convolution of row i−1 with one of three Poisson-like weight vectors;
// only a short band of each row is non-zero, so two band buffers suffice. P = n! · (last entry).

import { clip01, ldexp } from './ks-float.js';

const SCALE_EXP = 128;
const BIG = 2 ** SCALE_EXP;
const SMALL = 2 ** -SCALE_EXP;

/** First and last non-zero column of row i (0-based, clamped to [0, n]). */
function band(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let lo: number;
  let hi: number;
  if (i === 0) {
    lo = -ll - ceilF - 1;
    hi = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        lo = n - ll - ceilF - 1;
        hi = n + ll + ceilF - 1;
      } else {
        lo = half - 1 - ll - roundF - 1;
        hi = half + ll - 1 + ceilF - 1;
      }
    } else {
      lo = half - 1 - ll - 1;
      hi = half + ll + roundF - 1;
    }
  }
  return [Math.max(lo + 2, 0), Math.min(hi, n)];
}

/** P(Dₙ ≤ d) by the Pomeranz recursion, clipped to [0, 1]. */
export function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const width = 2 * (ll + 1);

  // Unnormalised Poisson weights (r/n)^j / j! for r = g, 2g and 1 − 2g.
  const wG = new Float64Array(width);
  const w2G = new Float64Array(width);
  const w1m2G = new Float64Array(width);
  wG[0] = 1;
  w2G[0] = 1;
  w1m2G[0] = 1;
  const rG = g / n;
  const r2G = (2 * g) / n;
  const r1m2G = (1 - 2 * g) / n;
  for (let j = 1; j < width; j++) {
    wG[j] = ((wG[j - 1] as number) * rG) / j;
    w2G[j] = ((w2G[j - 1] as number) * r2G) / j;
    w1m2G[j] = ((w1m2G[j - 1] as number) * r1m2G) / j;
  }

  let prev = new Float64Array(width);
  let cur = new Float64Array(width);
  cur[0] = 1;
  let prevStart = 0;
  let curStart = 0;
  let exponent = 0;
  let [lo, hi] = band(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i++) {
    const lastLo = lo;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
    cur.fill(0);
    [lo, hi] = band(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? wG : i % 2 === 1 ? w2G : w1m2G;
    const span = hi - lastLo + 1;
    if (span <= 0) continue;
    // Full convolution of prev[offset … offset+span) with weights[0 … span) (both cut at the buffer
    // width); keep entries
    // lo−lastLo … hi−lastLo of it.
    const offset = lastLo - prevStart;
    const srcLen = Math.max(0, Math.min(span, width - offset));
    const wLen = Math.min(span, width);
    const first = lo - lastLo;
    const count = Math.min(hi - lo + 1, width);
    let peak = 0;
    for (let q = 0; q < count; q++) {
      const idx = first + q;
      let s = 0;
      const rFrom = Math.max(0, idx - wLen + 1);
      const rTo = Math.min(idx, srcLen - 1);
      for (let r = rFrom; r <= rTo; r++) s += (prev[offset + r] as number) * (weights[idx - r] as number);
      cur[q] = s;
      if (s > peak) peak = s;
    }
    if (peak > 0 && peak < SMALL) {
      for (let q = 0; q < width; q++) cur[q] = (cur[q] as number) * BIG;
      exponent -= SCALE_EXP;
    }
    curStart = prevStart + lo - lastLo;
  }

  // Multiply by n!, rescaling before overflow.
  let ans = cur[n - curStart] as number;
  for (let j = 1; j <= n; j++) {
    if (Math.abs(ans) > BIG) {
      ans *= SMALL;
      exponent += SCALE_EXP;
    }
    ans *= j;
  }
  ans = ldexp(ans, exponent);
  return clip01(ans);
}
