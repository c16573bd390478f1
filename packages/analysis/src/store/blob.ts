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

/** Float64Array bytes are the BLOB layout as they are on little-endian hosts (nearly all): no copy needed. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** The packed BLOB of `values`; on little-endian hosts a view of their memory, bound (copied) by SQLite. */
export function float64Blob(values: Float64Array): Buffer {
  return LITTLE_ENDIAN
    ? Buffer.from(values.buffer, values.byteOffset, values.byteLength)
    : packFloat64(values);
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

/**
 * The doubles of a packed BLOB without copying them where its memory allows (little-endian host, 8-byte
 * aligned): valid only as long as the blob is. Windows read thousands of rows a minute to add or remove.
 */
export function float64Doubles(blob: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN && blob.byteOffset % 8 === 0) {
    return new Float64Array(blob.buffer, blob.byteOffset, blob.length >>> 3);
  }
  return float64FromBlob(blob);
}
