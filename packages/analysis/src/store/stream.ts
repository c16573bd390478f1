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
 * The cumulative streams of one pack whose start times fall in one hour, as committed plus what advanced
 * since: a checkpoint writes the group whole (one row). A process's streams start when it first records
 * each attribute set, mostly within its first minutes; a restarted process starts new ones, so the
 * groups of processes gone are rarely rewritten.
 */
export class StreamGroup {
  readonly #histograms = new Streams<HistogramStream>();
  readonly #counters = new Streams<CounterState & { seriesId: number }>();
  /** whether it is listed in `Unflushed` (a stream advanced since the last checkpoint) */
  listed = false;

  constructor(
    readonly packId: number,
    readonly startHour: bigint,
  ) {}

  histogram(seriesId: number, startNs: bigint): HistogramStream | undefined {
    return this.#histograms.get(seriesId, startNs);
  }

  setHistogram(stream: HistogramStream): void {
    this.#histograms.set(stream);
  }

  counter(seriesId: number, startNs: bigint): CounterState | undefined {
    return this.#counters.get(seriesId, startNs);
  }

  setCounter(seriesId: number, state: CounterState): void {
    this.#counters.set({ ...state, seriesId });
  }

  /** Loads the committed streams. */
  load(blob: Uint8Array): void {
    forEachStream(blob, ({ seriesId, startNs, timeNs, count, sum, counts }) => {
      if (counts === null) this.setCounter(seriesId, { startNs, timeNs, value: sum });
      else this.setHistogram(new HistogramStream(seriesId, startNs, timeNs, count, sum, counts));
    });
  }

  /** Every stream as stored. */
  *entries(): IterableIterator<StreamEntry> {
    yield* this.#histograms.values();
    for (const c of this.#counters.values())
      yield {
        seriesId: c.seriesId,
        startNs: c.startNs,
        timeNs: c.timeNs,
        count: 0,
        sum: c.value,
        counts: null,
      };
  }

  /** The streams as the stored BLOB, with the times of the oldest and newest stream. */
  pack(): ReturnType<typeof packStreams> {
    return packStreams([...this.entries()]);
  }
}

/**
 * Streams by series and start time: the newest start of each series by its id (what exporters send, a
 * lookup without building a key), earlier ones (a restart within the hour) by id and start.
 */
class Streams<S extends { seriesId: number; startNs: bigint }> {
  readonly #newest = new Map<number, S>();
  readonly #earlier = new Map<string, S>();

  get(seriesId: number, startNs: bigint): S | undefined {
    const newest = this.#newest.get(seriesId);
    if (newest === undefined || newest.startNs === startNs) return newest;
    return this.#earlier.size === 0 ? undefined : this.#earlier.get(key(seriesId, startNs));
  }

  set(stream: S): void {
    const newest = this.#newest.get(stream.seriesId);
    if (newest === undefined || newest.startNs === stream.startNs) {
      this.#newest.set(stream.seriesId, stream);
    } else if (stream.startNs > newest.startNs) {
      this.#earlier.set(key(newest.seriesId, newest.startNs), newest);
      this.#newest.set(stream.seriesId, stream);
    } else {
      this.#earlier.set(key(stream.seriesId, stream.startNs), stream);
    }
  }

  *values(): IterableIterator<S> {
    yield* this.#newest.values();
    yield* this.#earlier.values();
  }
}

const key = (seriesId: number, startNs: bigint) => `${seriesId} ${startNs}`;
