import { forEachDelta, forEachEntry, packDeltas, packEntries } from './pack.js';

/** Doubles in the largest slab: 32 KiB, the vectors of about 180 series of 22 buckets. */
const SLAB_DOUBLES = 4096;
const EMPTY_SLAB = new Float64Array(0);

/**
 * One series' totals in a time bucket as committed (an entry of its pack), kept in memory so that writing
 * a request's deltas needs no read: the new totals are computed here and written as they are. A request's
 * deltas are first summed apart and then added to the totals once, in the order an SQL upsert of each
 * request would add them.
 */
export class BucketRow {
  /** whether it has data: then its pack in the database holds it, or will at the next checkpoint */
  stored = false;
  count = 0;
  sum = 0;
  /** bucket counts (null for counters) */
  counts: Float64Array | null = null;
  /** whether this request added to the row (then it is in the request's list of rows to settle) */
  pending = false;
  pendingCount = 0;
  pendingSum = 0;
  pendingCounts: Float64Array | null = null;

  constructor(
    readonly seriesId: number,
    readonly bucketMs: number,
    readonly pack: PackBucket,
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
        target = this.pack.widened(target, counts.length);
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
      this.#take(pending);
      return;
    }
    this.count += this.pendingCount;
    this.sum += this.pendingSum;
    if (pending === null) return;
    if (this.counts === null) {
      this.#take(pending);
      return;
    }
    const counts = this.pack.widened(this.counts, pending.length);
    for (let i = 0; i < pending.length; i++) counts[i] = (counts[i] as number) + (pending[i] as number);
    this.counts = counts;
  }

  /**
   * The request's counts become the totals (there were none): the vector changes hands rather than being
   * copied, and a later request of this bucket takes a new one.
   */
  #take(pending: Float64Array | null): void {
    this.counts = pending;
    this.pendingCounts = null;
  }
}

/**
 * One pack's time bucket as committed (see pack.ts): the row of every series of the pack with data in it,
 * and the identities of the delta points applied to it, since a checkpoint writes the pack whole.
 */
export class PackBucket {
  readonly rows = new Map<number, BucketRow>();
  /**
   * Memory for the rows' count vectors, handed out as views: a new Float64Array costs microseconds (its
   * own buffer), a view of a shared one a few dozen nanoseconds, and a minute brings a new row for every
   * series. The rows of a bucket are dropped together, so nothing outlives its slab.
   */
  #slab = EMPTY_SLAB;
  #slabUsed = 0;
  /** applied delta points by series: start and time, in pairs (a few per series: one per export) */
  readonly #deltas = new Map<number, bigint[]>();
  /** whether it is in the checkpoint being written (listed once) */
  listed = false;

  constructor(
    readonly packId: number,
    readonly bucketMs: number,
  ) {}

  /** A zeroed vector of `width` counts. */
  vector(width: number): Float64Array {
    if (this.#slabUsed + width > this.#slab.length) {
      // Small at first (most packs hold a few series), doubling up to 32 KiB.
      const size = Math.min(SLAB_DOUBLES, Math.max(4 * width, 2 * this.#slab.length));
      this.#slab = new Float64Array(Math.max(size, width));
      this.#slabUsed = 0;
    }
    const start = this.#slabUsed;
    this.#slabUsed += width;
    return this.#slab.subarray(start, start + width);
  }

  /** `values` (absent: none), or a copy zero-padded to `width` when shorter, from this bucket's memory. */
  widened(values: Float64Array | null, width: number): Float64Array {
    if (values !== null && values.length >= width) return values;
    const out = this.vector(width);
    if (values !== null) out.set(values);
    return out;
  }

  /** The row of a series, made (empty, not stored) on first use. */
  row(seriesId: number): BucketRow {
    let row = this.rows.get(seriesId);
    if (row === undefined) {
      row = new BucketRow(seriesId, this.bucketMs, this);
      this.rows.set(seriesId, row);
    }
    return row;
  }

  /**
   * Records a delta point of the series (start, time); false when it was applied before (a retried
   * export), which must then add nothing.
   */
  firstDelta(seriesId: number, startNs: bigint, timeNs: bigint): boolean {
    let applied = this.#deltas.get(seriesId);
    if (applied === undefined) {
      applied = [];
      this.#deltas.set(seriesId, applied);
    }
    for (let i = 0; i < applied.length; i += 2)
      if (applied[i] === startNs && applied[i + 1] === timeNs) return false;
    applied.push(startNs, timeNs);
    return true;
  }

  /** Loads the committed entries and delta identities. */
  load(entries: Uint8Array, deltas: Uint8Array | null): void {
    forEachEntry(entries, (seriesId, count, sum, counts, width) => {
      const row = this.row(seriesId);
      if (width < 0) row.load(count, sum, null);
      else {
        const own = this.vector(width);
        own.set(counts.subarray(0, width));
        row.load(count, sum, own);
      }
    });
    if (deltas !== null)
      forEachDelta(deltas, (seriesId, pairs) => {
        this.#deltas.set(seriesId, pairs);
      });
  }

  /** The entries as the stored BLOB. */
  blob(): Buffer {
    const entries: BucketRow[] = [];
    for (const row of this.rows.values()) if (row.stored) entries.push(row);
    return packEntries(entries);
  }

  /** The delta identities as the stored BLOB, or null when there are none. */
  deltasBlob(): Buffer | null {
    return this.#deltas.size === 0 ? null : packDeltas(this.#deltas);
  }

  /** Series with a delta point applied here. */
  deltaSeries(): IterableIterator<number> {
    return this.#deltas.keys();
  }
}
