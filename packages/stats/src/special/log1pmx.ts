/**
 * ln(1 + u) − u for u > −1, accurate to a few ulps even where the two terms nearly cancel (small u).
 *
 * Near zero it sums ln(1 + u) = 2·atanh(s), s = u / (2 + u), whose odd powers of s shrink by at
 * least 9× per term for |u| ≤ 0.5; after rewriting 2s − u = −s·u the leading term carries no
 * cancellation. Elsewhere `Math.log1p(u) − u` loses at most a couple of bits.
 *
 * @example
 * log1pmx(1e-8); // ≈ -4.9999999666667e-17 — Math.log1p(1e-8) − 1e-8 keeps about 8 digits
 */
export function log1pmx(u: number): number {
  if (Math.abs(u) > 0.5) return Math.log1p(u) - u;
  const s = u / (2 + u);
  const s2 = s * s;
  let power = s * s2;
  let sum = 0;
  for (let k = 3; k < 80; k += 2) {
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    power *= s2;
  }
  return 2 * sum - s * u;
}
