/** Bucket counts and bounds are stored as packed little-endian float64 BLOBs (8 bytes a value, exact to 2^53). */

export function packFloat64(values: ArrayLike<number>): Buffer {
  const n = values.length;
  const buffer = Buffer.allocUnsafe(n * 8);
  for (let i = 0; i < n; i++) buffer.writeDoubleLE(values[i] as number, i * 8);
  return buffer;
}

export function unpackFloat64(blob: Uint8Array | null | undefined): number[] {
  if (!blob || blob.length === 0) return [];
  const buffer = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = buffer.length >>> 3;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(buffer.readDoubleLE(i * 8));
  return out;
}

/**
 * Element-wise sum of two packed vectors (the SQL function `mp_add_counts` used by the bucket upsert).
 * Vectors of one series always have the same length (bounds are part of the series key); a shorter one is
 * treated as zero-padded rather than losing data.
 */
export function addPacked(a: Uint8Array | null, b: Uint8Array | null): Buffer | null {
  if (!a) return b ? Buffer.from(b) : null;
  if (!b) return Buffer.from(a);
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const long = x.length >= y.length ? x : y;
  const short = long === x ? y : x;
  const out = Buffer.from(long);
  for (let off = 0; off + 8 <= short.length; off += 8) {
    out.writeDoubleLE(out.readDoubleLE(off) + short.readDoubleLE(off), off);
  }
  return out;
}
