// One-sided Kolmogorov–Smirnov (Smirnov) survival function P(D⁺ₙ ≥ x) for a sample of size n.
//
// Exact finite sum of Smirnov (1944) and Birnbaum & Tingey (1951):
//   P(D⁺ₙ ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
// Every term is positive, so the sum is evaluated directly; each term is formed in log space so that
// neither the binomial coefficient nor the powers overflow or underflow on the way. The case
// structure (x ≤ 1/n, x ≥ 1 − 1/n, very large n) follows van Mulbregt (2018), arXiv:1802.06966.

import { clip01 } from './ks-float.js';

/** log of the smallest normal double; exp(−2n·x²) below this is 0 in double precision. */
const MIN_LOG = -708.3964185322641;
/** Above this n the sum is too long; use the e^(−(6nx+1)²/18n) approximation instead. */
const MAX_EXACT_N = 1_000_000;
const EPSILON = Number.EPSILON;
const SCALE_UP = 2 ** 600;
const SCALE_DOWN = 2 ** -600;
const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp splitting)

/**
 * floor(n·x) and the fractional part of n·x, computed from the exact (error-free) product so that a
 * product that merely rounds to an integer is not mistaken for one.
 */
function floorAndFraction(n: number, x: number): [floor: number, fraction: number] {
  const p = n * x;
  // Dekker's two-product: p + err == n·x exactly.
  const cn = SPLITTER * n;
  const nHi = cn - (cn - n);
  const nLo = n - nHi;
  const cx = SPLITTER * x;
  const xHi = cx - (cx - x);
  const xLo = x - xHi;
  const err = nHi * xHi - p + nHi * xLo + nLo * xHi + nLo * xLo;
  let fl = Math.floor(p);
  let frac = p - fl + err;
  if (frac < 0) {
    fl -= 1;
    frac += 1;
  }
  if (frac >= 1) {
    fl += 1;
    frac = 0;
  }
  return [fl, frac];
}

/**
 * P(D⁺ₙ ≥ x): survival function of the one-sided KS statistic (Smirnov's distribution). Same cases
 * and cut-offs as `scipy.special.smirnov`.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  const [nxFloor, alpha] = floorAndFraction(n, x);

  // 0 < x ≤ 1/n: P(D⁺ < x) = x (1 + x)^(n−1).
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    return clip01(1 - x * (1 + x) ** (n - 1));
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  // x ≥ 1 − 1/n: only the v = 0 term survives.
  if (nxFloor >= n - 1) return clip01((1 - x) ** n);
  if (n > MAX_EXACT_N) {
    const logP = -((6 * n * x + 1) ** 2) / 18 / n;
    return clip01(logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP));
  }

  // Terms v = 0 … n − ⌊nx⌋ − 1: the largest v with 1 − x − v/n > 0.
  const terms = n - nxFloor;
  const half = Math.floor(n / 2);
  let sum = Math.exp(n * Math.log1p(-x)) / x; // v = 0: (1 − x)^n / x
  // C(n, v) = cMan · 2^cExp, updated multiplicatively and rescaled both ways to stay in range.
  let cMan = 1;
  let cExp = 0;
  for (let v = 1; v < terms; v++) {
    cMan *= (n - v + 1) / v;
    if (cMan > SCALE_UP) {
      cMan *= SCALE_DOWN;
      cExp += 600;
    } else if (cMan < SCALE_DOWN) {
      cMan *= SCALE_UP;
      cExp -= 600;
    }
    // x + v/n and 1 − x − v/n written over the exact integer parts of n·x, so both keep full
    // relative precision even when small.
    const up = (v + nxFloor + alpha) / n;
    const down = (n - v - nxFloor - alpha) / n;
    const logTerm = Math.log(cMan) + cExp * Math.LN2 + (v - 1) * Math.log(up) + (n - v) * Math.log(down);
    const term = Math.exp(logTerm);
    if (term > 0) {
      sum += term;
      // Remaining terms cannot change the sum any more.
      if (4 * (terms - v) * term < EPSILON * sum && v !== terms - 1) break;
    } else if (v > half) {
      break;
    }
  }
  return clip01(x * sum);
}
