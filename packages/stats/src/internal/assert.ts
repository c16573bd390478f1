/**
 * Argument checks shared by every public function. Each one throws with a message that starts with the
 * caller's signature and names the offending argument, so a bad call never turns into a silent NaN.
 */

/** Any array-like of numbers: `number[]`, `Float64Array`, `Float32Array`, `Int32Array`, … */
export type NumericArray = ArrayLike<number>;

function isNumericArray(value: unknown): value is NumericArray {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Throws a TypeError unless `value` is an array or typed array. */
export function assertArray(fn: string, name: string, value: unknown): asserts value is NumericArray {
  if (!isNumericArray(value)) {
    throw new TypeError(`${fn}: ${name} must be an array or typed array of numbers, got ${describe(value)}.`);
  }
}

/** Non-empty array of finite numbers (raw samples). */
export function assertSamples(fn: string, name: string, value: unknown): asserts value is NumericArray {
  assertArray(fn, name, value);
  if (value.length === 0) throw new RangeError(`${fn}: ${name} must not be empty.`);
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a finite number, got ${describe(v)}.`);
    }
  }
}

/** Non-empty array of finite, non-negative counts (or weights) with a positive total. Returns the total. */
export function assertCounts(fn: string, name: string, value: unknown): number {
  assertArray(fn, name, value);
  if (value.length === 0) throw new RangeError(`${fn}: ${name} must not be empty.`);
  let total = 0;
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a finite count ≥ 0, got ${describe(v)}.`);
    }
    total += v;
  }
  if (total <= 0) throw new RangeError(`${fn}: ${name} must have a positive total, got all zeros.`);
  if (total === Number.POSITIVE_INFINITY)
    throw new RangeError(
      `${fn}: ${name} must sum to a finite total; its counts add up past ${Number.MAX_VALUE}.`,
    );
  return total;
}

/** Two histograms compared bin by bin must have the same number of bins. */
export function assertSameLength(fn: string, a: [string, NumericArray], b: [string, NumericArray]): void {
  if (a[1].length !== b[1].length) {
    throw new RangeError(
      `${fn}: ${a[0]} and ${b[0]} must have the same number of bins, got ${a[1].length} and ${b[1].length}.`,
    );
  }
}

/** Strictly increasing, finite bin edges; at least `min` of them. */
export function assertEdges(
  fn: string,
  name: string,
  value: unknown,
  min = 2,
): asserts value is NumericArray {
  assertArray(fn, name, value);
  if (value.length < min) {
    throw new RangeError(`${fn}: ${name} must hold at least ${min} edges, got ${value.length}.`);
  }
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a finite number, got ${describe(v)}.`);
    }
    if (i > 0 && v <= (value[i - 1] as number)) {
      throw new RangeError(
        `${fn}: ${name} must be strictly increasing, but ${name}[${i}] = ${v} ≤ ${name}[${i - 1}].`,
      );
    }
  }
}

/** A finite number, optionally within [min, max] (inclusive unless `open`). */
export function assertNumber(
  fn: string,
  name: string,
  value: unknown,
  range: { min?: number; max?: number; open?: boolean } = {},
): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${fn}: ${name} must be a number, got ${describe(value)}.`);
  }
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, open = false } = range;
  const below = open ? value <= min : value < min;
  const above = open ? value >= max : value > max;
  if (!Number.isFinite(value)) throw new RangeError(`${fn}: ${name} must be finite, got ${value}.`);
  if (below || above) {
    const lo = open ? '(' : '[';
    const hi = open ? ')' : ']';
    throw new RangeError(`${fn}: ${name} must be in ${lo}${min}, ${max}${hi}, got ${value}.`);
  }
}

/** A whole number ≥ `min`. */
export function assertInteger(fn: string, name: string, value: unknown, min = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}: ${name} must be an integer, got ${describe(value)}.`);
  }
  if (value < min) throw new RangeError(`${fn}: ${name} must be ≥ ${min}, got ${value}.`);
}

/** Short, safe rendering of a value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value)})` : typeof value;
}
