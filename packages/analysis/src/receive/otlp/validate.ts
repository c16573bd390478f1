/**
 * Histogram bucket layout checks shared by the protobuf and JSON decoders: the store merges and compares
 * buckets by position, so a layout it cannot trust is refused here rather than stored.
 * Returns what is wrong, or undefined; `boundsChecked` skips the bounds' own checks (they passed before).
 */
export function checkHistogramBuckets(
  bounds: readonly number[],
  counts: readonly number[],
  boundsChecked = false,
): string | undefined {
  if (counts.length !== 0 && counts.length !== bounds.length + 1) {
    return `bucket_counts has ${counts.length} entries, explicit_bounds ${bounds.length}`;
  }
  if (boundsChecked) return undefined; // the same array passed below before
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i]!;
    if (!Number.isFinite(bound)) return `explicit_bounds[${i}] is ${bound}, not a finite number`;
    if (!(bound > previous)) return `explicit_bounds[${i}] (${bound}) is not above the bound before it`;
    previous = bound;
  }
  return undefined;
}
