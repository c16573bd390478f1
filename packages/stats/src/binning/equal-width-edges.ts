import { assertInteger, assertNumber } from '../internal/assert.js';

/**
 * `bins + 1` equally spaced edges from `min` to `max`, each computed as min + k·(max − min)/bins so
 * that rounding errors do not accumulate and the last edge is exactly `max` (as `numpy.linspace`).
 *
 * @example
 * equalWidthEdges(0, 1, 4); // [0, 0.25, 0.5, 0.75, 1]
 */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  const fn = 'equalWidthEdges(min, max, bins)';
  assertNumber(fn, 'min', min);
  assertNumber(fn, 'max', max);
  assertInteger(fn, 'bins', bins, 1);
  if (!(max > min))
    throw new RangeError(`${fn}: max must be greater than min, got min = ${min}, max = ${max}.`);
  const edges = new Array<number>(bins + 1);
  const width = max - min;
  if (!Number.isFinite(width))
    throw new RangeError(
      `${fn}: max − min must be below the largest double, got min = ${min}, max = ${max}.`,
    );
  for (let k = 0; k < bins; k++) edges[k] = min + (k * width) / bins;
  edges[bins] = max;
  return edges;
}
