import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wassersteinSamples } from '../src/index.js';
import { loadVectors } from './vectors.js';

const cases = loadVectors<{ label: string; a: number[]; b: number[]; distance: number }>('wasserstein');

describe('wassersteinSamples equals scipy.stats.wasserstein_distance', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', (_, c) => {
    expect(Math.abs(wassersteinSamples(c.a, c.b) - c.distance)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(wassersteinSamples(Float64Array.from(c.b), c.a) - c.distance)).toBeLessThanOrEqual(1e-9);
  });

  it('is a metric on samples: symmetric, zero for the same sample, shift moves it by the shift', () => {
    const sample = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), {
      minLength: 1,
      maxLength: 200,
    });
    fc.assert(
      fc.property(sample, sample, fc.double({ min: -50, max: 50, noNaN: true }), (a, b, shift) => {
        expect(Math.abs(wassersteinSamples(a, b) - wassersteinSamples(b, a))).toBeLessThanOrEqual(1e-9);
        expect(wassersteinSamples(a, [...a].reverse())).toBe(0);
        const moved = a.map((v) => v + shift);
        expect(Math.abs(wassersteinSamples(a, moved) - Math.abs(shift))).toBeLessThanOrEqual(
          1e-9 * (1 + Math.abs(shift)) + 1e-9,
        );
      }),
    );
  });

  it('rejects empty and non-finite samples, naming the argument', () => {
    expect(() => wassersteinSamples([], [1])).toThrow(/wassersteinSamples\(a, b\): a must not be empty/);
    expect(() => wassersteinSamples([1], [2, Number.POSITIVE_INFINITY])).toThrow(
      /b\[1\] must be a finite number, got Infinity/,
    );
  });
});
