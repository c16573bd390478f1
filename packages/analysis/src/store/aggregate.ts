/** Time buckets of points. */

export const NANOS_PER_MS = 1_000_000n;

/** A point's time in whole milliseconds. */
export function msOf(timeNs: bigint): number {
  return Number(timeNs / NANOS_PER_MS);
}

/** Start (ms) of the time bucket a point at `timeNs` lands in. */
export function bucketStart(timeNs: bigint, bucketMs: number): number {
  const ms = msOf(timeNs);
  return ms - (ms % bucketMs);
}
