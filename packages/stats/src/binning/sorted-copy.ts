/** Ascending copy as a Float64Array (typed-array sort is numeric, and much faster than Array#sort). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const copy = Float64Array.from(values);
  copy.sort();
  return copy;
}
