import { OtlpDecodeError } from './errors.js';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-fields.js';

/** Nested messages deeper than this are refused: only AnyValue (array / kvlist) can nest without bound. */
export const MAX_DEPTH = 64;

const TWO_32 = 4294967296;
/** Highest `hi` word of a 64-bit integer that is still below 2^53. */
const MAX_SAFE_HI = 0x1fffff;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Direct-mapped cache of recently decoded short ASCII strings (see `string`). */
const CACHE_MASK = 511;
const recent: (string | undefined)[] = new Array(CACHE_MASK + 1).fill(undefined);

/**
 * Protobuf wire-format cursor over one Uint8Array. Messages are read in place: `enter` narrows `limit` to
 * a length-delimited field and `leave` restores it, so every read is bounds-checked against the innermost
 * message and nothing is copied or allocated per field.
 */
export class WireReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  limit: number;
  private depth = 0;
  /** High 32 bits of the last varint read (the return value carries the low 32). */
  private hi = 0;
  #buffer: Buffer | undefined;
  /** bounds of the last histogram point read, which the next one most likely shares (never modified) */
  lastBounds: readonly number[] = [];
  /** the last bounds that passed the layout checks */
  checkedBounds: readonly number[] | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.byteLength;
  }

  /** Reads a field tag: `field << 3 | wire type`. */
  tag(): number {
    const at = this.pos;
    const lo = this.varint();
    if (this.hi !== 0 || lo >>> 3 === 0) this.fail(`invalid field tag at byte ${at}`);
    const wire = lo & 7;
    if (wire === 3 || wire === 4) this.fail(`deprecated group wire type ${wire} at byte ${at}`);
    if (wire > 5) this.fail(`invalid wire type ${wire} at byte ${at}`);
    return lo;
  }

  /** Skips the value of a field nobody reads (any wire type the tag check let through). */
  skip(tag: number): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.need(8, tag);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(tag);
        return;
      case WIRE_I32:
        this.need(4, tag);
        this.pos += 4;
        return;
    }
  }

  /** Enters an embedded message; returns the outer limit to hand back to `leave`. */
  enter(tag: number): number {
    const end = this.lengthEnd(tag);
    if (++this.depth > MAX_DEPTH) this.fail(`messages nested deeper than ${MAX_DEPTH} at byte ${this.pos}`);
    const outer = this.limit;
    this.limit = end;
    return outer;
  }

  /** Leaves the message entered last. Reads never pass `limit`, so the cursor is exactly at its end. */
  leave(outer: number): void {
    this.depth--;
    this.limit = outer;
  }

  /** Low 32 bits of a varint (uint32, enum and bool fields). */
  uint32(): number {
    return this.varint();
  }

  /** int32 / enum: negative values arrive sign-extended to 10 bytes; their low 32 bits are the value. */
  int32(): number {
    return this.varint() | 0;
  }

  bool(): boolean {
    const lo = this.varint();
    return lo !== 0 || this.hi !== 0;
  }

  /** int64 varint as a number when exact (|v| ≤ 2^53 − 1), else as its decimal digits. */
  int64(): number | string {
    const lo = this.varint();
    const hi = this.hi;
    if (hi <= MAX_SAFE_HI) return hi * TWO_32 + lo;
    if (hi >= 0xffe00000 && (hi !== 0xffe00000 || lo !== 0)) return (hi - TWO_32) * TWO_32 + lo; // ≥ −(2^53 − 1)
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** fixed64 as bigint (timestamps). */
  fixed64(tag: number): bigint {
    this.need(8, tag);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** fixed64 count as an exact number; counts of 2^53 and above cannot be stored exactly and are refused. */
  count(tag: number): number {
    this.need(8, tag);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi > MAX_SAFE_HI) this.fail(`count of field ${tag >>> 3} at byte ${this.pos} is 2^53 or more`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** sfixed64 metric value as the nearest double (exact up to 2^53). */
  sfixed64(tag: number): number {
    this.need(8, tag);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  double(tag: number): number {
    this.need(8, tag);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  string(tag: number): string {
    const end = this.lengthEnd(tag);
    const start = this.pos;
    this.pos = end;
    const bytes = this.bytes;
    const length = end - start;
    if (length === 0) return '';
    // Short ASCII strings (attribute keys, model names, labels) repeat in every data point: reuse the
    // string decoded last time when the bytes match, which also spares V8 re-internalising property keys.
    if (length <= 32) {
      const slot = (length * 31 + bytes[start]! * 7 + bytes[end - 1]!) & CACHE_MASK;
      const cached = recent[slot];
      if (cached !== undefined && cached.length === length) {
        let i = 0;
        while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
        if (i === length) return cached;
      }
      let text = '';
      let i = start;
      for (; i < end; i++) {
        const byte = bytes[i]!;
        if (byte >= 0x80) break;
        text += String.fromCharCode(byte);
      }
      if (i === end) {
        recent[slot] = text;
        return text;
      }
    }
    try {
      return utf8.decode(bytes.subarray(start, end));
    } catch {
      return this.fail(`invalid UTF-8 in string field ${tag >>> 3} at byte ${start}`);
    }
  }

  /** Bytes field as lower-case hex; `size` is the only length accepted besides empty (= absent, ''). */
  hex(tag: number, size: number, what: string): string {
    const end = this.lengthEnd(tag);
    const start = this.pos;
    this.pos = end;
    if (end === start) return '';
    if (end - start !== size) this.fail(`${what} must be ${size} bytes, got ${end - start} at byte ${start}`);
    let text = '';
    for (let i = start; i < end; i++) text += HEX[this.bytes[i]!]!;
    return text;
  }

  base64(tag: number): string {
    const end = this.lengthEnd(tag);
    const start = this.pos;
    this.pos = end;
    const { bytes } = this;
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('base64');
  }

  /**
   * End of the run of consecutive length-delimited fields with `tag`, the first of which starts at `pos`
   * (its tag already read); every length is checked, `pos` is left where it was. -1 when the tag takes more
   * than one byte (not worth scanning).
   */
  runEnd(tag: number): number {
    if (tag >= 0x80) return -1;
    const start = this.pos;
    let end = this.lengthEnd(tag);
    while (end < this.limit && this.bytes[end] === tag) {
      this.pos = end + 1;
      end = this.lengthEnd(tag);
    }
    this.pos = start;
    return end;
  }

  /** The bytes [start, end) as a latin1 string: a cheap map key for a span of the message. */
  latin1(start: number, end: number): string {
    this.#buffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.#buffer.toString('latin1', start, end);
  }

  /**
   * A packed double field, as `previous` itself when it holds exactly these values (consecutive histogram
   * points nearly always share their bounds: no new array then), else as a new array.
   */
  packedDoublesLike(tag: number, previous: readonly number[]): readonly number[] {
    const end = this.packedEnd(tag);
    const view = this.view;
    const start = this.pos;
    this.pos = end;
    if ((end - start) >> 3 === previous.length) {
      let i = 0;
      for (let at = start; at < end && Object.is(view.getFloat64(at, true), previous[i]); at += 8) i++;
      if (i === previous.length) return previous;
    }
    const values: number[] = [];
    for (let at = start; at < end; at += 8) values.push(view.getFloat64(at, true));
    return values;
  }

  /** Appends a packed repeated double field to `into`. */
  packedDoubles(tag: number, into: number[]): void {
    const end = this.packedEnd(tag);
    const view = this.view;
    for (let at = this.pos; at < end; at += 8) into.push(view.getFloat64(at, true));
    this.pos = end;
  }

  /** Appends a packed repeated fixed64 count field to `into` (counts below 2^53 only). */
  packedCounts(tag: number, into: number[]): void {
    const end = this.packedEnd(tag);
    const view = this.view;
    for (let at = this.pos; at < end; at += 8) {
      const hi = view.getUint32(at + 4, true);
      if (hi > MAX_SAFE_HI) this.fail(`count in field ${tag >>> 3} at byte ${at} is 2^53 or more`);
      into.push(hi * TWO_32 + view.getUint32(at, true));
    }
    this.pos = end;
  }

  fail(message: string): never {
    throw new OtlpDecodeError(message);
  }

  private packedEnd(tag: number): number {
    const end = this.lengthEnd(tag);
    if ((end - this.pos) % 8 !== 0) {
      this.fail(
        `packed field ${tag >>> 3} at byte ${this.pos} is ${end - this.pos} bytes, not a multiple of 8`,
      );
    }
    return end;
  }

  /** Reads a length prefix and checks it against the innermost message before anything is sliced. */
  private lengthEnd(tag: number): number {
    const at = this.pos;
    const length = this.varint();
    if (this.hi !== 0 || length > this.limit - this.pos) {
      this.fail(`truncated length-delimited field ${tag >>> 3} at byte ${at}`);
    }
    return this.pos + length;
  }

  private need(size: number, tag: number): void {
    if (this.limit - this.pos < size)
      this.fail(`truncated ${size * 8}-bit field ${tag >>> 3} at byte ${this.pos}`);
  }

  /** Reads a varint of up to 10 bytes; returns its low 32 bits unsigned and leaves the high 32 in `hi`. */
  private varint(): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let pos = this.pos;
    if (pos >= limit) this.fail(`truncated varint at byte ${pos}`);
    let byte = bytes[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      this.hi = 0;
      return byte;
    }
    let lo = byte & 0x7f;
    let hi = 0;
    for (let shift = 7; shift < 28; shift += 7) {
      if (pos >= limit) this.fail(`truncated varint at byte ${pos}`);
      byte = bytes[pos++]!;
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.varintDone(pos, lo, 0);
    }
    // Byte 5 straddles the two words: 4 bits to lo, 3 to hi.
    if (pos >= limit) this.fail(`truncated varint at byte ${pos}`);
    byte = bytes[pos++]!;
    lo |= (byte & 0x0f) << 28;
    hi = (byte & 0x7f) >> 4;
    if (byte < 0x80) return this.varintDone(pos, lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= limit) this.fail(`truncated varint at byte ${pos}`);
      byte = bytes[pos++]!;
      if (shift === 31 && byte > 1) break; // a 10th byte above 1 overflows 64 bits
      hi |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.varintDone(pos, lo, hi);
    }
    return this.fail(`malformed varint at byte ${this.pos}`);
  }

  private varintDone(pos: number, lo: number, hi: number): number {
    this.pos = pos;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }
}
