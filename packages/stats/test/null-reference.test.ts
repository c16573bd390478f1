import { describe, expect, it } from 'vitest';
import {
  DISTANCE_METHODS,
  type DistanceMethod,
  distanceByName,
  NullReference,
  nullIsAsymptotic,
  nullPValueFor,
  nullThreshold,
} from '../src/index.js';

const skewed = [30, 1, 12, 0, 7, 50];
const edges = [0, 1, 2, 3, 4, 5, 6];
const methods: DistanceMethod[] = [
  'd1',
  'psi',
  'jensenShannon',
  'ksBinned',
  'lInfinity',
  'wassersteinBinned',
];

describe('NullReference', () => {
  // Sizes on both sides of the large-sample rule, for an exact and a sampled reference, up and then down
  // again: the large-sample law, once found to hold at some n, must not be taken at a smaller one.
  it.each([
    ['an exact reference', { edges, simulations: 1000 }],
    ['a sampled reference', { edges, simulations: 1000, referenceN: 400 }],
  ])('answers exactly what the free functions answer, for %s', (_, options) => {
    const nulls = new NullReference(skewed, options);
    for (const method of methods) {
      for (const n of [12, 90, 700, 20_000, 700, 90, 12]) {
        expect(nulls.isAsymptotic(method, n)).toBe(nullIsAsymptotic(method, skewed, n, options));
        expect(nulls.threshold(method, n, 0.05)).toBe(nullThreshold(method, skewed, n, 0.05, options));
        for (const observed of [0, 0.01, 0.08, 0.3]) {
          expect(nulls.pValue(method, n, observed)).toBe(nullPValueFor(method, skewed, n, observed, options));
        }
      }
    }
  });

  it('answers the same again from what it keeps, also after starting over', () => {
    const options = { edges, simulations: 1000 };
    const nulls = new NullReference(skewed, options);
    // More sizes than it keeps p-value tables for (4): the later ones start its store over.
    const sizes = [12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 12];
    for (const round of [1, 2]) {
      for (const n of sizes) {
        for (const method of ['jensenShannon', 'ksBinned'] as const) {
          for (const alpha of [0.05, 0.01]) {
            expect(nulls.threshold(method, n, alpha), `round ${round}`).toBe(
              nullThreshold(method, skewed, n, alpha, options),
            );
          }
          expect(nulls.pValue(method, n, 0.08), `round ${round}`).toBe(
            nullPValueFor(method, skewed, n, 0.08, options),
          );
        }
      }
    }
  });

  it('still refuses bad arguments next to ones it has answered', () => {
    const nulls = new NullReference(skewed, { edges, simulations: 1000 });
    nulls.threshold('d1', 50, 0.05);
    nulls.pValue('d1', 50, 0.1);
    expect(() => nulls.threshold('d1', 50.5, 0.05)).toThrow(/n must be an integer, got 50.5/);
    expect(() => nulls.threshold('d1', 50, 1.5)).toThrow(/alpha must be in \(0, 1\), got 1.5/);
    expect(() => nulls.threshold('d1', 50, Number.NaN)).toThrow(/alpha must be a number/);
    expect(() => nulls.pValue('d1', 50, Number.NaN)).toThrow(/observed must be a distance/);
    expect(() => nulls.pValue('d1', 50.5, 0.1)).toThrow(/n must be an integer, got 50.5/);
    // Also next to large windows, answered by the large-sample law.
    for (const method of ['psi', 'ksBinned'] as const) {
      nulls.threshold(method, 20_000, 0.05);
      nulls.pValue(method, 20_000, 0.1);
      expect(() => nulls.threshold(method, 20_000.5, 0.05)).toThrow(/n must be an integer, got 20000.5/);
      expect(() => nulls.threshold(method, 20_000, 1.5)).toThrow(/alpha must be in \(0, 1\), got 1.5/);
      expect(() => nulls.pValue(method, 20_000, Number.NaN)).toThrow(/observed must be a distance/);
      expect(() => nulls.pValue(method, 20_000.5, 0.1)).toThrow(/n must be an integer, got 20000.5/);
    }
  });

  it('keeps its own copy of the reference and edges', () => {
    const shares = [1, 2, 3];
    const bins = [0, 1, 2, 3];
    const nulls = new NullReference(shares, { edges: bins, simulations: 1000 });
    shares[0] = 100;
    bins[1] = 0.5;
    expect(nulls.threshold('wassersteinBinned', 50, 0.05)).toBe(
      nullThreshold('wassersteinBinned', [1, 2, 3], 50, 0.05, { edges: [0, 1, 2, 3], simulations: 1000 }),
    );
  });

  it('computes every distance to a window exactly as distanceByName does', () => {
    const nulls = new NullReference(skewed, { edges });
    for (const counts of [
      [3, 0, 9, 1, 0, 40],
      [30, 1, 12, 0, 7, 50],
      [0, 0, 0, 5, 0, 0],
    ]) {
      expect(nulls.distances(DISTANCE_METHODS, counts)).toEqual(
        DISTANCE_METHODS.map((m) => distanceByName(m, edges)(skewed, counts)),
      );
    }
    expect(() => nulls.distances(['d1'], [1, 2])).toThrow(/same number of bins, got 6 and 2/);
    expect(() => nulls.distances(['d1'], [1, 2, 3, 4, 5, -1])).toThrow(/counts\[5\]/);
  });

  it('refuses a bad reference at once and a bad observed distance when asked', () => {
    expect(() => new NullReference([1, -1])).toThrow(/referenceShares\[1\]/);
    const nulls = new NullReference([1, 1]);
    expect(() => nulls.pValue('d1', 10, -0.1)).toThrow(/observed must be a distance ≥ 0, got -0.1/);
    expect(() => nulls.threshold('d1', 0)).toThrow(/n must be ≥ 1, got 0/);
  });
});
