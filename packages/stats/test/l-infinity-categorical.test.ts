import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lInfinityCategorical } from '../src/index.js';
import { loadVectors } from './vectors.js';

const cases = loadVectors<{ ref: Record<string, number>; cur: Record<string, number>; lInfinity: number }>(
  'l-infinity-categorical',
);

describe('lInfinityCategorical', () => {
  it.each(cases.map((c, i) => [i, c] as const))('matches numpy on random category maps (case %i)', (_, c) => {
    expect(Math.abs(lInfinityCategorical(c.ref, c.cur) - c.lInfinity)).toBeLessThanOrEqual(1e-12);
  });

  it('counts categories seen on one side only', () => {
    expect(lInfinityCategorical({ car: 60, house: 40 }, { car: 50, house: 30, boat: 20 })).toBeCloseTo(
      0.2,
      15,
    );
    // Renamed values (upstream change): every share moves to a category the reference never saw.
    expect(lInfinityCategorical({ a: 1, b: 1 }, { A: 1, B: 1 })).toBe(0.5);
  });

  it('treats category names that exist on Object.prototype as ordinary categories', () => {
    expect(lInfinityCategorical({ toString: 3, a: 1 }, { a: 4 })).toBe(0.75);
  });

  it('is symmetric, in [0, 1], and 0 for proportional counts', () => {
    const counts = fc.dictionary(
      fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      fc.integer({ min: 1, max: 1000 }),
      { minKeys: 1 },
    );
    fc.assert(
      fc.property(counts, counts, fc.integer({ min: 1, max: 9 }), (ref, cur, k) => {
        const v = lInfinityCategorical(ref, cur);
        expect(v).toBe(lInfinityCategorical(cur, ref));
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        const scaled = Object.fromEntries(Object.entries(ref).map(([key, n]) => [key, n * k]));
        expect(lInfinityCategorical(ref, scaled)).toBeLessThanOrEqual(1e-15);
      }),
    );
  });

  it.each([
    [
      'an array',
      () => lInfinityCategorical([1, 2] as unknown as Record<string, number>, { a: 1 }),
      TypeError,
      /ref must be an object of category → count/,
    ],
    [
      'a negative count',
      () => lInfinityCategorical({ a: 1 }, { a: -1 }),
      RangeError,
      /cur\["a"\] must be a finite count ≥ 0, got -1/,
    ],
    [
      'a NaN count',
      () => lInfinityCategorical({ a: Number.NaN }, { a: 1 }),
      RangeError,
      /ref\["a"\] must be a finite count/,
    ],
    [
      'no counts at all',
      () => lInfinityCategorical({}, { a: 1 }),
      RangeError,
      /ref must have a positive total/,
    ],
  ] as const)('rejects %s', (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});
