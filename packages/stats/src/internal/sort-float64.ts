const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this size the built-in comparison sort wins over four radix passes. */
const RADIX_MIN = 4096;
const PASSES = 6;
const DIGITS = 2048;
const SHIFTS = [0, 11, 22];

/**
 * Sorts a Float64Array ascending in place and returns it, in the order of `Float64Array#sort`
 * (−0 before +0, NaN last). Large arrays go through an LSD radix sort on the IEEE-754 bit patterns:
 * six passes of 11/11/10 bits per 32-bit word, whose 2 048-entry tables stay in cache (O(n), faster
 * than the built-in sort at a million values); sorting dominates raw-sample tests and profiles.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN || !LITTLE_ENDIAN) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const counts = new Uint32Array(PASSES * DIGITS);
  // Map each double to an unsigned key that sorts like the number: flip every bit of negatives, only the
  // sign bit of positives; every NaN becomes the largest key.
  for (let i = 0; i < 2 * n; i += 2) {
    let lo = words[i] as number;
    let hi = words[i + 1] as number;
    if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
      lo = 0xffffffff;
      hi = 0xffffffff;
    } else if (hi & 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
    words[i] = lo;
    words[i + 1] = hi;
    counts[lo & 0x7ff]!++;
    counts[DIGITS + ((lo >>> 11) & 0x7ff)]!++;
    counts[2 * DIGITS + (lo >>> 22)]!++;
    counts[3 * DIGITS + (hi & 0x7ff)]!++;
    counts[4 * DIGITS + ((hi >>> 11) & 0x7ff)]!++;
    counts[5 * DIGITS + (hi >>> 22)]!++;
  }
  let source: Uint32Array = words;
  let target: Uint32Array = new Uint32Array(2 * n);
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * DIGITS;
    const wordIndex = pass < 3 ? 0 : 1;
    const shift = SHIFTS[pass % 3] as number;
    if (counts[base + (((source[wordIndex] as number) >>> shift) & 0x7ff)] === n) continue; // one digit for all: nothing moves
    let sum = 0;
    for (let d = base; d < base + DIGITS; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < 2 * n; i += 2) {
      const digit = ((source[i + wordIndex] as number) >>> shift) & 0x7ff;
      const at = 2 * counts[base + digit]!++;
      target[at] = source[i] as number;
      target[at + 1] = source[i + 1] as number;
    }
    const swap = source;
    source = target;
    target = swap;
  }
  if (source !== words) words.set(source);
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = words[i + 1] as number;
    if (hi & 0x80000000) words[i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      words[i] = ~(words[i] as number) >>> 0;
      words[i + 1] = ~hi >>> 0;
    }
  }
  return values;
}
