/**
 * The `packs` BLOB: one time bucket of every series in a pack (one model's series of one instrument and
 * kind), entry after entry (layout: `packWith`).
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

/**
 * The `stream_packs` BLOB: the cumulative streams of one pack whose start times fall in one hour (one
 * process's exports, usually), in the layout of `packs` with two int64 fields between the width and the
 * count: the stream's start time and the time of its last point (nanoseconds). A counter's value is its sum.
 */
export interface StreamEntry extends PackEntry {
  readonly startNs: bigint;
  readonly timeNs: bigint;
}

/**
 * The `deltas` BLOB of a pack: the delta points applied in its time bucket, to drop retried exports. Per
 * series: its id (uint32), the number of points (uint32), then each point's start and time (int64
 * nanoseconds), little-endian.
 */
export function packDeltas(deltas: ReadonlyMap<number, readonly bigint[]>): Buffer {
  let bytes = 0;
  for (const pairs of deltas.values()) bytes += 8 + 8 * pairs.length;
  const buffer = Buffer.allocUnsafe(bytes);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  for (const [seriesId, pairs] of deltas) {
    view.setUint32(at, seriesId, true);
    view.setUint32(at + 4, pairs.length / 2, true);
    at += 8;
    for (const ns of pairs) {
      view.setBigInt64(at, ns, true);
      at += 8;
    }
  }
  return buffer;
}

/** Calls `each` with every series of a `deltas` BLOB and its points' start and time, in pairs. */
export function forEachDelta(blob: Uint8Array, each: (seriesId: number, pairs: bigint[]) => void): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 0;
  while (at < blob.byteLength) {
    const n = at + 8 <= blob.byteLength ? view.getUint32(at + 4, true) : 0;
    if (at + 8 + 16 * n > blob.byteLength)
      throw new Error(`A stored pack's deltas are cut short at byte ${at}.`);
    const seriesId = view.getUint32(at, true);
    const pairs: bigint[] = [];
    for (let i = 0; i < 2 * n; i++) pairs.push(view.getBigInt64(at + 8 + 8 * i, true));
    each(seriesId, pairs);
    at += 8 + 16 * n;
  }
}

/** Stream start times are grouped by the hour: `start_hour` of `stream_packs`. */
export const START_HOUR_NS = 3_600_000_000_000n;

/** The entries as one BLOB. */
export function packEntries(entries: readonly PackEntry[]): Buffer {
  return packWith(entries, 0, () => {});
}

/**
 * A `stream_packs` row's content: the entries as one BLOB, with the times of the oldest and newest last
 * point among them (0 when there are none), which pruning goes by.
 */
export function packStreams(entries: readonly StreamEntry[]): {
  blob: Buffer;
  oldestNs: bigint;
  newestNs: bigint;
} {
  let oldestNs = entries[0]?.timeNs ?? 0n;
  let newestNs = oldestNs;
  for (const e of entries) {
    if (e.timeNs < oldestNs) oldestNs = e.timeNs;
    if (e.timeNs > newestNs) newestNs = e.timeNs;
  }
  const blob = packWith(entries, 2, (view, at, e) => {
    view.setBigInt64(at, e.startNs, true);
    view.setBigInt64(at + 8, e.timeNs, true);
  });
  return { blob, oldestNs, newestNs };
}

/**
 * Calls `each` for every entry of a pack, in order. `counts` is reused between entries (its first `width`
 * values are the entry's; width −1: a counter): copy what you keep.
 */
export function forEachEntry(
  blob: Uint8Array,
  each: (seriesId: number, count: number, sum: number, counts: Float64Array, width: number) => void,
): void {
  let scratch = new Float64Array(32);
  readWith(
    blob,
    0,
    (width) => {
      if (scratch.length < width) scratch = new Float64Array(width);
      return scratch;
    },
    (_, __, seriesId, width, count, sum, counts) => each(seriesId, count, sum, counts, width),
  );
}

/** Calls `each` for every stream entry, in order; `counts` is the entry's own copy (null for a counter). */
export function forEachStream(
  blob: Uint8Array,
  each: (entry: StreamEntry & { counts: Float64Array | null }) => void,
): void {
  readWith(
    blob,
    2,
    (width) => new Float64Array(width),
    (view, extraAt, seriesId, width, count, sum, counts) => {
      const startNs = view.getBigInt64(extraAt, true);
      const timeNs = view.getBigInt64(extraAt + 8, true);
      each({ seriesId, startNs, timeNs, count, sum, counts: width < 0 ? null : counts });
    },
  );
}

/**
 * Bucket counts are whole numbers, nearly always small: written as LEB128 varints (1–2 bytes where a double
 * takes 8) when every count of the entry is a safe non-negative integer, else as float64. The entry's
 * count code says which: −1 a counter (no counts), w ≥ 0 w doubles, −2 − w w varints.
 */
const NO_COUNTS = -1;

/**
 * Writes `counts` at `at` as varints and returns where they end, or −1 (having written garbage) when one is
 * not a safe non-negative integer or is −0: then they are written as doubles instead. One pass over the
 * counts, since they nearly always qualify.
 */
function writeVarints(buffer: Buffer, at: number, counts: ArrayLike<number>): number {
  for (let i = 0; i < counts.length; i++) {
    let v = counts[i] as number;
    if (v >>> 0 === v) {
      // A whole number in [0, 2^32), or −0 (which `>>> 0` makes 0).
      if (v === 0 && 1 / v < 0) return -1;
      while (v >= 0x80) {
        buffer[at++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buffer[at++] = v;
    } else if (v > 0 && Number.isSafeInteger(v)) {
      while (v >= 0x80) {
        buffer[at++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      buffer[at++] = v;
    } else return -1;
  }
  return at;
}

/**
 * Entries of a series id (uint32), the count code (int32, above), `extra` 8-byte fields, count and sum
 * (float64), then the bucket counts; all little-endian.
 */
function packWith<E extends PackEntry>(
  entries: readonly E[],
  extra: number,
  writeExtra: (view: DataView, at: number, entry: E) => void,
): Buffer {
  const header = 24 + 8 * extra;
  let most = 0; // a varint of a safe integer takes at most 8 bytes, as a double does
  for (const e of entries) most += header + 8 * (e.counts === null ? 0 : e.counts.length);
  const buffer = Buffer.allocUnsafe(most);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  for (const e of entries) {
    const start = at;
    const counts = e.counts;
    at += header;
    let code = NO_COUNTS;
    if (counts !== null) {
      const end = writeVarints(buffer, at, counts);
      if (end >= 0) {
        code = -2 - counts.length;
        at = end;
      } else {
        code = counts.length;
        for (let i = 0; i < counts.length; i++, at += 8) view.setFloat64(at, counts[i] as number, true);
      }
    }
    view.setUint32(start, e.seriesId, true);
    view.setInt32(start + 4, code, true);
    writeExtra(view, start + 8, e);
    view.setFloat64(start + header - 16, e.count, true);
    view.setFloat64(start + header - 8, e.sum, true);
  }
  return buffer.subarray(0, at);
}

/** Steps through entries written by `packWith`, refusing a BLOB cut short. */
function readWith(
  blob: Uint8Array,
  extra: number,
  target: (width: number) => Float64Array,
  each: (
    view: DataView,
    extraAt: number,
    seriesId: number,
    width: number,
    count: number,
    sum: number,
    counts: Float64Array,
  ) => void,
): void {
  const header = 24 + 8 * extra;
  const length = blob.byteLength;
  const view = new DataView(blob.buffer, blob.byteOffset, length);
  const cut = (at: number) => new Error(`A stored pack is cut short at byte ${at}.`);
  let at = 0;
  while (at < length) {
    const start = at;
    if (at + header > length) throw cut(start);
    const code = view.getInt32(at + 4, true);
    const width = code >= 0 ? code : code === NO_COUNTS ? -1 : -2 - code;
    const counts = target(Math.max(width, 0));
    at += header;
    if (code >= 0) {
      if (at + 8 * width > length) throw cut(start);
      for (let i = 0; i < width; i++, at += 8) counts[i] = view.getFloat64(at, true);
    } else {
      for (let i = 0; i < width; i++) {
        let v = 0;
        let scale = 1;
        let byte: number;
        do {
          if (at >= length) throw cut(start);
          byte = blob[at++] as number;
          v += (byte & 0x7f) * scale;
          scale *= 0x80;
        } while (byte & 0x80);
        counts[i] = v;
      }
    }
    const seriesId = view.getUint32(start, true);
    const count = view.getFloat64(start + header - 16, true);
    const sum = view.getFloat64(start + header - 8, true);
    each(view, start + 8, seriesId, width, count, sum, counts);
  }
}
