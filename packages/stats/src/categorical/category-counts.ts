import { describe } from '../internal/assert.js';

/** Category → count, as recorded by `ml.feature.category` or stored in a profile. */
export type CategoryCounts = Readonly<Record<string, number>>;

/**
 * Aligns two category count maps on the union of their keys (a key missing on one side counts 0) and
 * checks every count. Returns the keys in a stable order and both count vectors with their totals.
 */
export function alignCategories(
  fn: string,
  ref: unknown,
  cur: unknown,
): { keys: string[]; ref: Float64Array; cur: Float64Array; refTotal: number; curTotal: number } {
  assertCategoryCounts(fn, 'ref', ref);
  assertCategoryCounts(fn, 'cur', cur);
  const keys = [...new Set([...Object.keys(ref), ...Object.keys(cur)])].sort();
  const r = new Float64Array(keys.length);
  const c = new Float64Array(keys.length);
  let refTotal = 0;
  let curTotal = 0;
  keys.forEach((key, i) => {
    // Own keys only: an inherited name such as "toString" is not a category.
    r[i] = Object.hasOwn(ref, key) ? (ref[key] as number) : 0;
    c[i] = Object.hasOwn(cur, key) ? (cur[key] as number) : 0;
    refTotal += r[i] as number;
    curTotal += c[i] as number;
  });
  if (refTotal <= 0) throw new RangeError(`${fn}: ref must have a positive total count.`);
  if (curTotal <= 0) throw new RangeError(`${fn}: cur must have a positive total count.`);
  return { keys, ref: r, cur: c, refTotal, curTotal };
}

function assertCategoryCounts(fn: string, name: string, value: unknown): asserts value is CategoryCounts {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new TypeError(`${fn}: ${name} must be an object of category → count, got ${describe(value)}.`);
  }
  for (const [key, count] of Object.entries(value)) {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new RangeError(
        `${fn}: ${name}[${JSON.stringify(key)}] must be a finite count ≥ 0, got ${describe(count)}.`,
      );
    }
  }
}
