import type Database from 'better-sqlite3';
import type { BucketRow } from './bucket-row.js';
import type { SeriesCatalog } from './catalog.js';
import { forEachEntry } from './pack.js';
import { PastAnswers } from './past-answers.js';

/** Totals of one series over a rolling window's buckets. */
export interface WindowSums {
  /** bucket rows in the window: the series is in the window's answer while > 0, as with the SQL */
  rows: number;
  count: number;
  /** compensated (Neumaier) so that adding and removing buckets for days does not drift */
  sum: number;
  compensation: number;
  counts: Float64Array | null;
}

/** Sums of every series over the buckets from `lowerMs` on. */
export interface RollingWindow {
  lowerMs: number;
  readonly sums: Map<number, WindowSums>;
}

/** Spans kept at once; the analysis asks for a few (1h, 24h, 7d and the configured ones). */
const MAX_WINDOWS = 16;

/**
 * Per-series sums of the windows the analysis asks for again and again ("the last 24 hours" each
 * minute), kept up to date instead of summed from thousands of bucket rows per series each time: a
 * request's deltas are added as they are applied, and buckets that fall out of a window as it moves are
 * read once and subtracted. A window is seeded from the committed rows the first time its span is asked
 * for. Its answer equals the SQL one (counts exactly; float sums up to rounding), less the rows stamped
 * past its end (`beyond`); when it cannot (the window moved back in time, or ended before data arrived)
 * the caller falls back to SQL.
 */
export class RollingWindows {
  /** answers of windows that cannot roll (they ended before data arrived), dropped as their rows change */
  readonly past = new PastAnswers();
  readonly #windows = new Map<number, RollingWindow>();
  readonly #bucketMs: number;
  readonly #catalog: SeriesCatalog;
  /** rows are stored in time order: a time range is one contiguous read */
  readonly #between: Database.Statement<[number, number], { entries: Buffer }>;
  readonly #maxBucket: Database.Statement<[], { max: number | null }>;
  readonly #lastSeen: Database.Statement<[], { max: number | null }>;
  /** start of the newest bucket holding data, once known */
  #newestMs: number | undefined;
  /** the newest receive time of data, once known */
  #receivedMs: number | undefined;
  /** changes to the committed rows since the start: a `beyond` answer is kept until the next one */
  #version = 0;
  #beyond: { toMs: number; version: number; window: RollingWindow } | undefined;

  constructor(db: Database.Database, bucketMs: number, catalog: SeriesCatalog) {
    this.#bucketMs = bucketMs;
    this.#catalog = catalog;
    this.#between = db.prepare<[number, number], { entries: Buffer }>(
      'SELECT entries FROM packs WHERE bucket_ms >= ? AND bucket_ms < ?',
    );
    this.#maxBucket = db.prepare<[], { max: number | null }>('SELECT max(bucket_ms) AS max FROM packs');
    this.#lastSeen = db.prepare<[], { max: number | null }>('SELECT max(last_seen_ms) AS max FROM instances');
  }

  /**
   * The window of buckets with start from `fromMs` on, moved forward to `fromMs` (or seeded), or undefined
   * when the caller must ask SQL. It answers [fromMs, toMs) minus `beyond(toMs)`. It is undefined when
   * `toMs` is not after the newest receive time: a window that ended before data arrived, whose rows past
   * `toMs` may be many. Only call it with everything applied committed (after a checkpoint).
   */
  window(fromMs: number, toMs: number): RollingWindow | undefined {
    this.#receivedMs ??= this.#lastSeen.get()?.max ?? Number.NEGATIVE_INFINITY;
    if (this.#newest() >= toMs && toMs <= this.#receivedMs) return undefined;
    const lowerMs = Math.ceil(fromMs / this.#bucketMs) * this.#bucketMs;
    const span = toMs - fromMs;
    let w = this.#windows.get(span);
    if (w === undefined) {
      if (this.#windows.size >= MAX_WINDOWS)
        this.#windows.delete(this.#windows.keys().next().value as number);
      w = { lowerMs, sums: new Map() };
      this.#apply(w, lowerMs, Number.POSITIVE_INFINITY, 1); // seeded from the committed rows
      this.#windows.set(span, w);
    } else if (lowerMs < w.lowerMs) {
      return undefined;
    } else {
      this.#moveTo(w, lowerMs);
    }
    return w;
  }

  /**
   * The committed rows at or past `toMs` of a window that ends after the newest receive time: rows stamped
   * ahead of this clock (an exporter whose clock runs fast), to subtract. Undefined when there are none, as
   * nearly always; else read once per `toMs` until the rows change.
   */
  beyond(toMs: number): RollingWindow | undefined {
    if (this.#newest() < toMs) return undefined;
    const kept = this.#beyond;
    if (kept !== undefined && kept.toMs === toMs && kept.version === this.#version) return kept.window;
    const window: RollingWindow = { lowerMs: toMs, sums: new Map() };
    this.#apply(window, toMs, Number.POSITIVE_INFINITY, 1);
    this.#beyond = { toMs, version: this.#version, window };
    return window;
  }

  /** Start of the newest bucket holding data (read once, then kept up to date by `added`). */
  #newest(): number {
    this.#newestMs ??= this.#maxBucket.get()?.max ?? Number.NEGATIVE_INFINITY;
    return this.#newestMs;
  }

  /** Notes the receive time of an applied export. */
  received(atMs: number): void {
    if (this.#receivedMs !== undefined && atMs > this.#receivedMs) this.#receivedMs = atMs;
  }

  /** Adds a request's deltas of one row (before the row settles them into its totals). */
  added(row: BucketRow): void {
    this.#version++;
    this.past.added(row.bucketMs);
    if (row.bucketMs > (this.#newestMs ?? Number.POSITIVE_INFINITY)) this.#newestMs = row.bucketMs;
    const newRow = !row.stored;
    for (const w of this.#windows.values()) {
      if (row.bucketMs < w.lowerMs) continue;
      const s = this.#sumsOf(w, row.seriesId);
      if (newRow) s.rows++;
      add(s, 1, row.pendingCount, row.pendingSum, row.pendingCounts);
    }
  }

  /** Retention is about to delete buckets before `cutoffMs`: windows reaching back that far move on. */
  pruning(cutoffMs: number): void {
    this.#version++;
    this.past.clear();
    const firstKept = Math.ceil(cutoffMs / this.#bucketMs) * this.#bucketMs;
    for (const w of this.#windows.values()) if (w.lowerMs < firstKept) this.#moveTo(w, firstKept);
  }

  clear(): void {
    this.past.clear();
    this.#windows.clear();
    this.#newestMs = undefined;
    this.#receivedMs = undefined;
    this.#beyond = undefined;
    this.#version++;
  }

  #moveTo(w: RollingWindow, lowerMs: number): void {
    if (lowerMs <= w.lowerMs) return;
    this.#apply(w, w.lowerMs, lowerMs, -1);
    w.lowerMs = lowerMs;
  }

  /** Adds (sign 1) or removes (sign −1) the committed bucket rows with start in [fromMs, toMs). */
  #apply(w: RollingWindow, fromMs: number, toMs: number, sign: 1 | -1): void {
    for (const { entries } of this.#between.iterate(fromMs, toMs)) {
      forEachEntry(entries, (id, count, sum, counts, width) => {
        const s = this.#sumsOf(w, id);
        s.rows += sign;
        // Its last row left the window: so does the series (found here rather than by scanning every series).
        if (s.rows === 0) w.sums.delete(id);
        else add(s, sign, count, sum, width < 0 ? null : counts, width);
      });
    }
  }

  #sumsOf(w: RollingWindow, seriesId: number): WindowSums {
    let s = w.sums.get(seriesId);
    if (s === undefined) {
      s = { rows: 0, count: 0, sum: 0, compensation: 0, counts: null };
      w.sums.set(seriesId, s);
      this.#catalog.ensure(seriesId);
    }
    return s;
  }
}

/** Adds (sign 1) or removes (−1) a row's totals; its bucket counts are `counts[0 … width)`. */
function add(
  s: WindowSums,
  sign: 1 | -1,
  count: number,
  sum: number,
  counts: ArrayLike<number> | null,
  width = counts === null ? 0 : counts.length,
): void {
  s.count += sign * count;
  const x = sign * sum;
  const t = s.sum + x;
  s.compensation += Math.abs(s.sum) >= Math.abs(x) ? s.sum - t + x : x - t + s.sum;
  s.sum = t;
  if (counts === null) return;
  const target = widened(s.counts, width);
  s.counts = target;
  for (let i = 0; i < width; i++) target[i] = (target[i] as number) + sign * (counts[i] as number);
}

/** `values` (absent: none), or a copy zero-padded to `width` when shorter. */
function widened(values: Float64Array | null, width: number): Float64Array {
  if (values !== null && values.length >= width) return values;
  const out = new Float64Array(width);
  if (values !== null) out.set(values);
  return out;
}
