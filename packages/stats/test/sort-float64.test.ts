import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../src/internal/sort-float64.js';

/** Float64Array#sort is the reference: numeric order, −0 before +0, NaN last. */
function sameAsBuiltIn(values: Float64Array): void {
  const expected = values.slice().sort();
  const actual = sortFloat64(values.slice());
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`index ${i}: radix sort gave ${actual[i]}, Float64Array#sort ${expected[i]}`);
    }
  }
}

describe('sortFloat64 (radix sort for large arrays)', () => {
  it('orders every kind of double like Float64Array#sort, above and below the radix cut-over', () => {
    const special = [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      2.2250738585072014e-308,
    ];
    const doubles = fc.oneof(fc.double(), fc.constantFrom(...special), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(fc.array(doubles, { minLength: 0, maxLength: 9000 }), (values) => {
        sameAsBuiltIn(Float64Array.from(values));
      }),
      { numRuns: 60 },
    );
  });

  it('sorts a negative NaN bit pattern last too', () => {
    const values = new Float64Array(5000).map((_, i) => i - 2500);
    new DataView(values.buffer).setUint32(8 * 17 + 4, 0xfff80000, true); // the x86 "default NaN", sign bit set
    const sorted = sortFloat64(values);
    expect(Number.isNaN(sorted[4999])).toBe(true);
    expect(sorted[0]).toBe(-2500);
  });

  it('sorts in place a subarray view without touching its neighbours', () => {
    const buffer = new Float64Array(10_000).map((_, i) => 10_000 - i);
    const view = buffer.subarray(1000, 9000);
    sortFloat64(view);
    expect(buffer[999]).toBe(9001);
    expect(view[0]).toBe(1001);
    expect(view[7999]).toBe(9000);
    expect(buffer[9000]).toBe(1000);
  });
});
