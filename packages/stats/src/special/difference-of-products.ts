/** 2²⁷ + 1: multiplying by it splits a double into two halves of 26 bits each (Veltkamp). */
const SPLITTER = 134217729;

/** The high part and the exact remainder of a double, each exactly representable in 26 bits. */
function split(a: number): [number, number] {
  const scaled = SPLITTER * a;
  const high = scaled - (scaled - a);
  return [high, a - high];
}

/** The rounded product a·b and its rounding error, so that a·b = product + error exactly (Dekker). */
function twoProduct(a: number, b: number): [number, number] {
  const product = a * b;
  const [aHigh, aLow] = split(a);
  const [bHigh, bLow] = split(b);
  const error = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  return [product, error];
}

/**
 * a·b − c·d without cancellation error: both products are formed exactly as (rounded, error) pairs, so
 * the result is close to correctly rounded even when a·b ≈ c·d (the case that naive code gets wrong), is
 * exactly 0 when a·b = c·d as real numbers, and changes sign exactly when the two products are swapped.
 * Valid while |a|, |b|, |c|, |d| stay below about 1e150 (no overflow in the split).
 *
 * @example
 * differenceOfProducts(1e12 + 1, 1e12 - 1, 1e12, 1e12); // -1 — the naive a·b − c·d gives 0
 */
export function differenceOfProducts(a: number, b: number, c: number, d: number): number {
  const [p1, e1] = twoProduct(a, b);
  const [p2, e2] = twoProduct(c, d);
  return p1 - p2 + (e1 - e2);
}
