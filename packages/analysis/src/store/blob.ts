/** Bounds (and, in files before schema 5, bucket counts) are stored as packed little-endian float64 BLOBs. */

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

/** A packed BLOB back to doubles, as a typed array (empty for null). */
export function float64FromBlob(blob: Uint8Array | null | undefined): Float64Array {
  const n = blob ? blob.length >>> 3 : 0;
  const out = new Float64Array(n);
  if (blob && n > 0) {
    const view = new DataView(blob.buffer, blob.byteOffset, n * 8);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  }
  return out;
}
