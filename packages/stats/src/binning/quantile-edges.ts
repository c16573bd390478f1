import { assertInteger, assertSamples } from '../internal/assert.js';
import { sortedCopy } from './sorted-copy.js';

/**
 * Equal-frequency bin edges: the k/bins quantiles of `values` for k = 0 … bins, with linear
 * interpolation between order statistics (the default of `numpy.quantile`, Hyndman–Fan type 7), then
 * with repeated edges removed. Ties in the data therefore give fewer than `bins + 1` edges, never an
 * empty or zero-width bin; values all equal give the one edge [v] (no bin). The first edge is the minimum
 * and the last the maximum.
 *
 * @example
 * quantileEdges([1, 2, 3, 4, 5], 4); // [1, 2, 3, 4, 5]
 * quantileEdges([0, 0, 0, 1], 2);    // [0, 1]
 */
export function quantileEdges(values: ArrayLike<number>, bins: number): number[] {
  const fn = 'quantileEdges(values, bins)';
  assertSamples(fn, 'values', values);
  assertInteger(fn, 'bins', bins, 1);
  const sorted = sortedCopy(values);
  if (!Number.isFinite((sorted[sorted.length - 1] as number) - (sorted[0] as number)))
    throw new RangeError(`${fn}: values must span less than the largest double (${Number.MAX_VALUE}).`);
  return quantileEdgesOfSorted(sorted, bins);
}

/** {@link quantileEdges} for data already sorted ascending (no checks, no copy). */
export function quantileEdgesOfSorted(sorted: Float64Array, bins: number): number[] {
  const last = sorted.length - 1;
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) {
    // Same operation order as numpy (index = (n − 1) · q, lerp from the nearer end) so edges match bit for bit.
    const h = last * (k / bins);
    const lo = Math.floor(h);
    const t = h - lo;
    const a = sorted[lo] as number;
    const b = sorted[Math.min(lo + 1, last)] as number;
    const edge = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}
