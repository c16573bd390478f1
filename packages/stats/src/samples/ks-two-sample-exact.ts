// Exact null distribution of the two-sided two-sample KS statistic D_{m,n}.
// Under H₀ every interleaving of the two sorted samples is equally likely, i.e. every monotone lattice
// path from (0, 0) to (m, n); D ≥ h/lcm(m, n) iff the path touches one of the lines
// |x/m − y/n| = h/lcm(m, n). The p-value is the fraction of paths that do.

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/**
 * m = n: P(D_{n,n} ≥ h/n) by the reflection-principle alternating sum
 *   2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n),
 * evaluated from the innermost ratio outwards (Horner-like) to avoid cancellation.
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    // C(2n, n − (k+1)h) / C(2n, n − kh) as a product of h simple ratios.
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * m ≠ n: Hodges' (1958) "inside" lattice-path recursion, rewritten by Viehmann (2021,
 * arXiv:2102.08037) to carry the probability of having already left the band |n·x − m·y|/g < h,
 * so the small p-value is computed directly instead of as 1 − (something close to 1). Only a sliding
 * window of one column is kept.
 */
function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let lo = 0;
  let hi = Math.min(Math.ceil(h / mg), n + 1);
  let len = hi - lo;
  const a = new Float64Array(Math.min(2 * hi + 2, n + 1));
  a.fill(1);
  a.fill(0, lo, hi);
  for (let i = 1; i <= m; i++) {
    const lastLo = lo;
    const lastLen = len;
    lo = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    hi = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (hi <= lo) return 1;
    // Cells below the band have already left it (probability 1), cells inside average their
    // left and lower neighbours with the path weights i/(i+j) and j/(i+j).
    let val = lo === 0 ? 0 : 1;
    const shift = lo - lastLo;
    for (let jj = 0; jj < hi - lo; jj++) {
      const j = jj + lo;
      val = ((a[jj + shift] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    len = hi - lo;
    if (lastLen > len) a.fill(1, len, len + (lastLen - len));
  }
  return a[hi - lo - 1] as number;
}

/**
 * P(D_{m,n} ≥ h / lcm(m, n)) for the two-sided test, exactly (as floating point). `g` = gcd(m, n),
 * 1 ≤ h ≤ lcm(m, n). The caller checks that the result lies in [0, 1].
 */
export function ksTwoSampleExactSf(m: number, n: number, g: number, h: number): number {
  return m === n ? outsideSquare(m, h) : outsideBand(m, n, g, h);
}
