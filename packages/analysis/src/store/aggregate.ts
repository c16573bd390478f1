/**
 * A request's deltas, summed in memory by (series, time bucket) before anything is written, so one request
 * does one upsert per (series, bucket) however many points it carries.
 */

export const NANOS_PER_MS = 1_000_000n;

/** Start (ms) of the time bucket a point at `timeNs` lands in. */
export function bucketStart(timeNs: bigint, bucketMs: number): number {
  const ms = Number(timeNs / NANOS_PER_MS);
  return ms - (ms % bucketMs);
}

export interface BucketDelta {
  seriesId: number;
  bucketMs: number;
  count: number;
  /** histogram sum, or the counter's increase */
  sum: number;
  /** null for counters */
  counts: number[] | null;
}

export class BucketAccumulator {
  readonly #bySeries = new Map<number, Map<number, BucketDelta>>();

  #entry(seriesId: number, bucketMs: number, width: number | null): BucketDelta {
    let buckets = this.#bySeries.get(seriesId);
    if (!buckets) {
      buckets = new Map();
      this.#bySeries.set(seriesId, buckets);
    }
    let entry = buckets.get(bucketMs);
    if (!entry) {
      entry = {
        seriesId,
        bucketMs,
        count: 0,
        sum: 0,
        counts: width === null ? null : new Array<number>(width).fill(0),
      };
      buckets.set(bucketMs, entry);
    }
    return entry;
  }

  addHistogram(
    seriesId: number,
    bucketMs: number,
    count: number,
    sum: number,
    counts: ArrayLike<number>,
  ): void {
    if (count === 0 && sum === 0) return;
    const entry = this.#entry(seriesId, bucketMs, counts.length);
    entry.count += count;
    entry.sum += sum;
    const target = entry.counts as number[];
    for (let i = 0; i < counts.length; i++) target[i] = (target[i] as number) + (counts[i] as number);
  }

  addCounter(seriesId: number, bucketMs: number, value: number): void {
    if (value === 0) return;
    this.#entry(seriesId, bucketMs, null).sum += value;
  }

  *entries(): IterableIterator<BucketDelta> {
    for (const buckets of this.#bySeries.values()) yield* buckets.values();
  }
}
