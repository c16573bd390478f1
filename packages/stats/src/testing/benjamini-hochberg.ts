import { assertArray, assertNumber, describe } from '../internal/assert.js';

/**
 * Benjamini–Hochberg step-up procedure controlling the false discovery rate at level q for m
 * independent (or positively dependent) tests. With the p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎, it finds the
 * largest k with p₍ₖ₎ ≤ k·q/m and rejects the k hypotheses with the smallest p-values (none if there is
 * no such k). Tied p-values are always rejected or kept together, so the rejected set is exactly
 * { i : pᵢ ≤ p₍ₖ₎ }, a prefix of the sorted p-values.
 *
 * Reference: Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57(1):289–300; on the fifteen p-values
 * of their section 4 example it rejects the four smallest at q = 0.05. (scipy 1.10 has no BH; the test
 * vectors come from an independent Python implementation of the step-up rule.)
 *
 * @param pValues p-values in [0, 1], in any order (NaN is rejected with an error)
 * @param q false discovery rate in (0, 1), default 0.05
 * @returns `true` where the hypothesis is rejected (a discovery), in the order of `pValues`
 * @example
 * benjaminiHochberg([0.01, 0.03, 0.02, 0.5]); // [true, true, true, false]
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, q = 0.05): boolean[] {
  const fn = 'benjaminiHochberg(pValues, q)';
  assertArray(fn, 'pValues', pValues);
  assertNumber(fn, 'q', q, { min: 0, max: 1, open: true });
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${fn}: pValues[${i}] must be a number in [0, 1], got ${describe(p)}.`);
    }
  }
  const sorted = Float64Array.from(pValues).sort();
  let threshold = Number.NEGATIVE_INFINITY;
  for (let k = m; k >= 1; k--) {
    const p = sorted[k - 1] as number;
    if (p <= (k * q) / m) {
      threshold = p;
      break;
    }
  }
  return Array.from(pValues, (p) => p <= threshold);
}
