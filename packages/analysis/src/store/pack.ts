/**
 * The `packs` BLOB: one time bucket of every series in a pack (one model's series of one instrument and
 * kind), entry after entry. An entry is the series id (uint32), the number of bucket counts (int32, −1 for
 * a counter), then count, sum and the bucket counts as float64, all little-endian: every double starts at
 * a multiple of 8 bytes from the entry's start, and entries are 24 + 8 × counts bytes long.
 *
 * One row per pack and minute instead of one per series: a checkpoint inserts a few large rows where it
 * inserted one small row per series, with one index entry each (see README, Performance).
 */

/** One series' totals in a time bucket, as an entry of a pack. */
export interface PackEntry {
  readonly seriesId: number;
  readonly count: number;
  readonly sum: number;
  /** bucket counts; null for counters */
  readonly counts: ArrayLike<number> | null;
}

const HEADER = 24;

/** Bytes of the packed entries. */
export function packedLength(entries: readonly PackEntry[]): number {
  let bytes = 0;
  for (const e of entries) bytes += HEADER + 8 * (e.counts === null ? 0 : e.counts.length);
  return bytes;
}

/** The entries as one BLOB. */
export function packEntries(entries: readonly PackEntry[]): Buffer {
  const buffer = Buffer.allocUnsafe(packedLength(entries));
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  for (const e of entries) {
    const counts = e.counts;
    const width = counts === null ? -1 : counts.length;
    view.setUint32(at, e.seriesId, true);
    view.setInt32(at + 4, width, true);
    view.setFloat64(at + 8, e.count, true);
    view.setFloat64(at + 16, e.sum, true);
    at += HEADER;
    for (let i = 0; i < width; i++, at += 8) view.setFloat64(at, counts![i] as number, true);
  }
  return buffer;
}

/**
 * Calls `each` for every entry of a pack, in order. `counts` is reused between entries (its first `width`
 * values are the entry's; width −1: a counter): copy what you keep.
 */
export function forEachEntry(
  blob: Uint8Array,
  each: (seriesId: number, count: number, sum: number, counts: Float64Array, width: number) => void,
): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let scratch = new Float64Array(32);
  let at = 0;
  while (at < blob.byteLength) {
    if (at + HEADER > blob.byteLength) throw new Error(`A stored pack is cut short at byte ${at}.`);
    const seriesId = view.getUint32(at, true);
    const width = view.getInt32(at + 4, true);
    const count = view.getFloat64(at + 8, true);
    const sum = view.getFloat64(at + 16, true);
    at += HEADER;
    if (width > 0) {
      if (at + 8 * width > blob.byteLength) throw new Error(`A stored pack is cut short at byte ${at}.`);
      if (scratch.length < width) scratch = new Float64Array(width);
      for (let i = 0; i < width; i++, at += 8) scratch[i] = view.getFloat64(at, true);
    }
    each(seriesId, count, sum, scratch, width);
  }
}

/**
 * The `stream_packs` BLOB: the cumulative streams of one pack whose start times fall in one hour (one
 * process's exports, usually), entry after entry: the series id (uint32), the number of bucket counts
 * (int32, −1 for a counter), the stream's start time and the time of its last point (int64 nanoseconds),
 * then count, sum (a counter's value) and the bucket counts as float64, little-endian.
 */
export interface StreamEntry {
  readonly seriesId: number;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly count: number;
  readonly sum: number;
  /** bucket counts; null for counters */
  readonly counts: ArrayLike<number> | null;
}

const STREAM_HEADER = 40;

/** The stream entries as one BLOB. */
export function packStreams(entries: readonly StreamEntry[]): Buffer {
  let bytes = 0;
  for (const e of entries) bytes += STREAM_HEADER + 8 * (e.counts === null ? 0 : e.counts.length);
  const buffer = Buffer.allocUnsafe(bytes);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  for (const e of entries) {
    const counts = e.counts;
    const width = counts === null ? -1 : counts.length;
    view.setUint32(at, e.seriesId, true);
    view.setInt32(at + 4, width, true);
    view.setBigInt64(at + 8, e.startNs, true);
    view.setBigInt64(at + 16, e.timeNs, true);
    view.setFloat64(at + 24, e.count, true);
    view.setFloat64(at + 32, e.sum, true);
    at += STREAM_HEADER;
    for (let i = 0; i < width; i++, at += 8) view.setFloat64(at, counts![i] as number, true);
  }
  return buffer;
}

/** Calls `each` for every stream entry, in order; `counts` is the entry's own copy (null for a counter). */
export function forEachStream(
  blob: Uint8Array,
  each: (entry: StreamEntry & { counts: Float64Array | null }) => void,
): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 0;
  while (at < blob.byteLength) {
    if (at + STREAM_HEADER > blob.byteLength)
      throw new Error(`A stored stream pack is cut short at byte ${at}.`);
    const seriesId = view.getUint32(at, true);
    const width = view.getInt32(at + 4, true);
    const startNs = view.getBigInt64(at + 8, true);
    const timeNs = view.getBigInt64(at + 16, true);
    const count = view.getFloat64(at + 24, true);
    const sum = view.getFloat64(at + 32, true);
    at += STREAM_HEADER;
    let counts: Float64Array | null = null;
    if (width >= 0) {
      if (at + 8 * width > blob.byteLength)
        throw new Error(`A stored stream pack is cut short at byte ${at}.`);
      counts = new Float64Array(width);
      for (let i = 0; i < width; i++, at += 8) counts[i] = view.getFloat64(at, true);
    }
    each({ seriesId, startNs, timeNs, count, sum, counts });
  }
}

/** Stream start times are grouped by the hour: `start_hour` of `stream_packs`. */
export const START_HOUR_NS = 3_600_000_000_000n;
