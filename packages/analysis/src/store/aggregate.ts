/** Time buckets of points. */

export const NANOS_PER_MS = 1_000_000n;

/** Start (ms) of the time bucket a point at `timeNs` lands in. */
export function bucketStart(timeNs: bigint, bucketMs: number): number {
  const ms = Number(timeNs / NANOS_PER_MS);
  return ms - (ms % bucketMs);
}
