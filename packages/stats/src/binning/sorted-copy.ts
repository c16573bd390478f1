import { sortFloat64 } from '../internal/sort-float64.js';

/** Ascending copy as a Float64Array (numeric order, radix-sorted when large). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return sortFloat64(Float64Array.from(values));
}
