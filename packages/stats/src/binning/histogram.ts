import { assertArray, assertEdges } from '../internal/assert.js';
import { binIndex } from './bin-index.js';

/** Result of {@link histogram}: in-range counts plus everything that did not land in a bin. */
export interface Histogram {
  /** counts[i] holds values in [edges[i], edges[i+1]); the last bin also holds values equal to the last edge. */
  counts: number[];
  /** values below the first edge */
  underflow: number;
  /** values above the last edge */
  overflow: number;
  /** NaN, null and undefined entries */
  missing: number;
}

/**
 * Counts raw values into the bins defined by `edges`, with `numpy.histogram`'s convention (half-open
 * bins, last bin closed). Nothing is dropped silently: out-of-range values are counted as underflow or
 * overflow and NaN / null / undefined as missing.
 *
 * @example
 * histogram([0.1, 0.5, 0.5, 1, 2, Number.NaN], [0, 0.5, 1]);
 * // { counts: [1, 3], underflow: 0, overflow: 1, missing: 1 }
 */
export function histogram(values: ArrayLike<number | null | undefined>, edges: ArrayLike<number>): Histogram {
  const fn = 'histogram(values, edges)';
  assertArray(fn, 'values', values);
  assertEdges(fn, 'edges', edges);
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const first = edges[0] as number;
  const last = edges[bins] as number;
  let underflow = 0;
  let overflow = 0;
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      if (v === null || v === undefined) {
        missing++;
        continue;
      }
      throw new TypeError(`${fn}: values[${i}] must be a number, null or undefined, got ${typeof v}.`);
    }
    if (Number.isNaN(v)) missing++;
    else if (v < first) underflow++;
    else if (v > last) overflow++;
    else if (v === last) counts[bins - 1]!++;
    else counts[binIndex(edges, v)]!++;
  }
  return { counts, underflow, overflow, missing };
}
