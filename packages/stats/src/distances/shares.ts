import { assertCounts, assertSameLength, type NumericArray } from '../internal/assert.js';

/**
 * Shares known to be valid, made by the simulations, which compute millions of distances between such
 * arrays and need neither the checks nor the copies of `sharesOf`.
 * @internal
 */
export class TrustedShares extends Float64Array {}

/**
 * Validates two histograms on the same bins and turns their counts into shares (each sums to 1).
 * Every distance goes through here, so all of them reject the same bad input the same way.
 */
export function sharesOf(fn: string, p: unknown, q: unknown): [Float64Array, Float64Array] {
  if (p instanceof TrustedShares && q instanceof TrustedShares && p.length === q.length) return [p, q];
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
