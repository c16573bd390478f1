import { forEachStream, packStreams, type StreamEntry } from './pack.js';
import type { CounterState } from './temporality.js';

/** What a point adds to its time bucket; `counts` may be memory the next point reuses. */
export interface PointDelta {
  count: number;
  sum: number;
  counts: ArrayLike<number>;
}

/**
 * The last applied point of one cumulative histogram stream (series, start time), advanced in place: the
 * rules of `histogramStep` (temporality.ts) for points of the same start time, without allocating per
 * point.
 */
export class HistogramStream {
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
}

/**
 * The cumulative streams of one pack with one start time, as committed plus what advanced since: a
 * checkpoint writes the group whole (one row), and a process restart starts a new group, so the groups of
 * processes gone are never rewritten.
 */
export class StreamGroup {
  readonly histograms = new Map<number, HistogramStream>();
  readonly counters = new Map<number, CounterState>();
  /** whether it is listed in `Unflushed` (a stream advanced since the last checkpoint) */
  listed = false;

  constructor(
    readonly packId: number,
    readonly startNs: bigint,
  ) {}

  /** Loads the committed streams. */
  load(blob: Uint8Array): void {
    const startNs = this.startNs;
    forEachStream(blob, (seriesId, timeNs, count, sum, counts) => {
      if (counts === null) this.counters.set(seriesId, { startNs, timeNs, value: sum });
      else this.histograms.set(seriesId, new HistogramStream(seriesId, startNs, timeNs, count, sum, counts));
    });
  }

  /** The streams as the stored BLOB, with the times of the oldest and newest stream. */
  pack(): { blob: Buffer; oldestNs: bigint; newestNs: bigint } {
    const entries: StreamEntry[] = [];
    let oldestNs = 0n;
    let newestNs = 0n;
    const time = (t: bigint) => {
      if (entries.length === 0 || t < oldestNs) oldestNs = t;
      if (entries.length === 0 || t > newestNs) newestNs = t;
    };
    for (const s of this.histograms.values()) {
      time(s.timeNs);
      entries.push(s);
    }
    for (const [seriesId, c] of this.counters) {
      time(c.timeNs);
      entries.push({ seriesId, timeNs: c.timeNs, count: 0, sum: c.value, counts: null });
    }
    return { blob: packStreams(entries), oldestNs, newestNs };
  }
}
