import { assertCounts, assertSameLength, type NumericArray } from '../internal/assert.js';

/**
 * Validates two histograms on the same bins and turns their counts into shares (each sums to 1).
 * Every distance goes through here, so all of them reject the same bad input the same way.
 */
export function sharesOf(fn: string, p: unknown, q: unknown): [Float64Array, Float64Array] {
  const totalP = assertCounts(fn, 'p', p);
  const totalQ = assertCounts(fn, 'q', q);
  const pc = p as NumericArray;
  const qc = q as NumericArray;
  assertSameLength(fn, ['p', pc], ['q', qc]);
  const ps = new Float64Array(pc.length);
  const qs = new Float64Array(qc.length);
  for (let i = 0; i < pc.length; i++) {
    ps[i] = (pc[i] as number) / totalP;
    qs[i] = (qc[i] as number) / totalQ;
  }
  return [ps, qs];
}
