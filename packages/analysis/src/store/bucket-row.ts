import { float64Blob } from './blob.js';

/** `values`, or a copy zero-padded to `width` when shorter. */
export function widened(values: Float64Array, width: number): Float64Array {
  if (values.length >= width) return values;
  const out = new Float64Array(width);
  out.set(values);
  return out;
}

/**
 * One `buckets` row (series, time bucket) as committed, kept in memory so that writing a request's deltas
 * needs neither a read nor a SQL function: the new totals are computed here and written as they are.
 * A request's deltas are first summed apart and then added to the totals once, in the order the former
 * SQL upsert added them, so the stored doubles are the same bit for bit.
 */
export class BucketRow {
  /** whether the row exists in the database */
  stored = false;
  count = 0;
  sum = 0;
  /** bucket counts (null for counters); their bytes are the stored BLOB */
  counts: Float64Array | null = null;
  /** whether the totals changed since the last checkpoint (then the row is listed in `Unflushed`) */
  unflushed = false;
  /** whether this request added to the row (then it is in the request's list of rows to settle) */
  pending = false;
  pendingCount = 0;
  pendingSum = 0;
  pendingCounts: Float64Array | null = null;

  constructor(
    readonly seriesId: number,
    readonly bucketMs: number,
  ) {}

  /** Sets the committed values read from the database. */
  load(count: number, sum: number, counts: Float64Array | null): void {
    this.stored = true;
    this.count = count;
    this.sum = sum;
    this.counts = counts;
  }

  /** Adds a delta of this request; true when it is the first, so the caller lists the row once. */
  add(count: number, sum: number, counts: ArrayLike<number> | null): boolean {
    const first = !this.pending;
    if (first) {
      this.pending = true;
      this.pendingCount = 0;
      this.pendingSum = 0;
      this.pendingCounts?.fill(0);
    }
    this.pendingCount += count;
    this.pendingSum += sum;
    if (counts !== null) {
      let target = this.pendingCounts;
      if (target === null || target.length < counts.length) {
        target = widened(target ?? new Float64Array(0), counts.length);
        this.pendingCounts = target;
      }
      for (let i = 0; i < counts.length; i++) target[i] = (target[i] as number) + (counts[i] as number);
    }
    return first;
  }

  /**
   * Adds the request's deltas to the totals and clears them; the new totals are then to be written.
   * Vectors of one series have one length (bounds are part of the series key); a shorter one counts as
   * zero-padded rather than losing data.
   */
  settle(): void {
    this.pending = false;
    const pending = this.pendingCounts;
    if (!this.stored) {
      this.stored = true;
      this.count = this.pendingCount;
      this.sum = this.pendingSum;
      this.counts = pending === null ? null : pending.slice();
      return;
    }
    this.count += this.pendingCount;
    this.sum += this.pendingSum;
    if (pending === null) return;
    if (this.counts === null) {
      this.counts = pending.slice();
      return;
    }
    const counts = widened(this.counts, pending.length);
    for (let i = 0; i < pending.length; i++) counts[i] = (counts[i] as number) + (pending[i] as number);
    this.counts = counts;
  }

  /** The counts as the stored BLOB (a view of them where the host is little-endian). */
  blob(): Buffer | null {
    return this.counts === null ? null : float64Blob(this.counts);
  }
}
