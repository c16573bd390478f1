import { float64Blob } from './blob.js';

/** What a point adds to its time bucket; `counts` may be memory the next point reuses. */
export interface PointDelta {
  count: number;
  sum: number;
  counts: ArrayLike<number>;
}

/**
 * The last applied point of one cumulative histogram stream (series, start time), advanced in place: the
 * rules of `histogramStep` (temporality.ts) for points of the same start time, without allocating per
 * point. The bytes of `counts` are the stored BLOB.
 */
export class HistogramStream {
  /** whether the stream advanced since the last checkpoint (then it is listed in `Unflushed`) */
  unflushed = false;
  #diff: Float64Array;

  constructor(
    readonly seriesId: number,
    readonly startNs: bigint,
    public timeNs: bigint,
    public count: number,
    public sum: number,
    public counts: Float64Array,
  ) {
    this.#diff = new Float64Array(counts.length);
  }

  /**
   * Advances to a later point of the stream and sets `out` to what it adds (the difference, or the full
   * point after a reset); false for a retried or out-of-order point, which changes nothing.
   */
  advance(timeNs: bigint, count: number, sum: number, counts: readonly number[], out: PointDelta): boolean {
    if (timeNs <= this.timeNs) return false;
    const n = counts.length;
    const before = this.counts;
    let reset = count < this.count || n !== before.length;
    if (!reset) {
      const diff = this.#diff;
      for (let i = 0; i < n; i++) {
        const d = (counts[i] as number) - (before[i] as number);
        if (d < 0) {
          reset = true;
          break;
        }
        diff[i] = d;
      }
    }
    if (reset) {
      out.count = count;
      out.sum = sum;
      out.counts = counts;
    } else {
      // A histogram's sum may go down (negative measurements); only counts signal a reset.
      out.count = count - this.count;
      out.sum = sum - this.sum;
      out.counts = this.#diff;
    }
    if (n !== before.length) {
      this.counts = new Float64Array(n);
      this.#diff = new Float64Array(n);
    }
    this.counts.set(counts);
    this.timeNs = timeNs;
    this.count = count;
    this.sum = sum;
    return true;
  }

  blob(): Buffer {
    return float64Blob(this.counts);
  }
}
