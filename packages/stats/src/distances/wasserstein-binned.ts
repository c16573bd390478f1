import { assertEdges } from '../internal/assert.js';
import { sharesOf } from './shares.js';

/**
 * First Wasserstein (earth mover's) distance between two histograms whose mass sits at the bin
 * midpoints: Σ |Pᵢ − Qᵢ| · (mᵢ₊₁ − mᵢ) over the cumulative shares P, Q and midpoints m, in the units of
 * the edges. Equals `scipy.stats.wasserstein_distance(m, m, p, q)`.
 *
 * @param edges bin edges, strictly increasing, one more than the number of bins.
 * @example
 * wassersteinBinned([1, 0], [0, 1], [0, 1, 2]); // 1
 */
export function wassersteinBinned(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  edges: ArrayLike<number>,
): number {
  const fn = 'wassersteinBinned(p, q, edges)';
  const [ps, qs] = sharesOf(fn, p, q);
  assertEdges(fn, 'edges', edges);
  if (edges.length !== ps.length + 1) {
    throw new RangeError(
      `${fn}: edges must hold one more value than p has bins (${ps.length + 1}), got ${edges.length}.`,
    );
  }
  let cp = 0;
  let cq = 0;
  let sum = 0;
  for (let i = 0; i < ps.length - 1; i++) {
    cp += ps[i] as number;
    cq += qs[i] as number;
    // Distance between midpoints i and i+1 is half of bin i plus half of bin i+1.
    const step = ((edges[i + 2] as number) - (edges[i] as number)) / 2;
    sum += Math.abs(cp - cq) * step;
  }
  return sum;
}
