import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  d1,
  hellinger,
  jensenShannon,
  klDivergence,
  ksBinned,
  lInfinity,
  psi,
  totalVariation,
  wassersteinBinned,
} from '../src/index.js';
import { loadVectors } from './vectors.js';

interface DistanceCase {
  label: string;
  p: number[];
  q: number[];
  edges: number[];
  d1: number;
  totalVariation: number;
  psi: number;
  jsDistance: number;
  hellinger: number;
  klQP: number | null;
  lInfinity: number;
  ksBinned: number;
  wassersteinBinned: number;
}

const cases = loadVectors<DistanceCase>('distances');
const TOL = 1e-9;

describe('histogram distances against scipy / numpy', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', (_, c) => {
    expect(d1(c.p, c.q)).toBeCloseTo(c.d1, 12);
    expect(Math.abs(totalVariation(c.p, c.q) - c.totalVariation)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(psi(c.p, c.q) - c.psi)).toBeLessThanOrEqual(TOL);
    const js = jensenShannon(c.p, c.q);
    expect(Math.abs(js.distance - c.jsDistance)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(js.divergence - c.jsDistance ** 2)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(hellinger(c.p, c.q) - c.hellinger)).toBeLessThanOrEqual(TOL);
    if (c.klQP === null) expect(klDivergence(c.q, c.p)).toBe(Number.POSITIVE_INFINITY);
    else expect(Math.abs(klDivergence(c.q, c.p) - c.klQP)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(lInfinity(c.p, c.q) - c.lInfinity)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(ksBinned(c.p, c.q) - c.ksBinned)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(wassersteinBinned(c.p, c.q, c.edges) - c.wassersteinBinned)).toBeLessThanOrEqual(TOL);
  });

  it('covers the published D1 range: 0 for identical, 2 for disjoint histograms', () => {
    expect(d1([3, 2, 1], [6, 4, 2])).toBe(0);
    expect(d1([1, 0, 0], [0, 0, 5])).toBe(2);
  });

  it('accepts typed arrays as well as plain arrays', () => {
    expect(d1(new Float64Array([50, 50]), Uint32Array.from([80, 20]))).toBeCloseTo(0.6, 15);
  });
});

const counts = (length: number) =>
  fc
    .array(fc.integer({ min: 0, max: 1000 }), { minLength: length, maxLength: length })
    .filter((a) => a.some((v) => v > 0));
const pair = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(counts(n), counts(n)));

const symmetric = {
  d1,
  totalVariation,
  psi,
  hellinger,
  lInfinity,
  ksBinned,
  js: (p: number[], q: number[]) => jensenShannon(p, q).distance,
};
const bounds: Record<keyof typeof symmetric, number> = {
  d1: 2,
  totalVariation: 1,
  psi: Number.POSITIVE_INFINITY,
  hellinger: 1,
  lInfinity: 1,
  ksBinned: 1,
  js: 1,
};

describe('distance properties', () => {
  for (const [name, fn] of Object.entries(symmetric) as [
    keyof typeof symmetric,
    (p: number[], q: number[]) => number,
  ][]) {
    it(`${name}: symmetric, within its bounds, zero on identical shares`, () => {
      fc.assert(
        fc.property(pair, fc.integer({ min: 1, max: 7 }), ([p, q], k) => {
          const forward = fn(p, q);
          expect(Math.abs(forward - fn(q, p))).toBeLessThanOrEqual(1e-12);
          expect(forward).toBeGreaterThanOrEqual(0);
          expect(forward).toBeLessThanOrEqual(bounds[name] + 1e-12);
          expect(
            fn(
              p,
              p.map((v) => v * k),
            ),
          ).toBeLessThanOrEqual(1e-12);
        }),
      );
    });
  }

  it('D1 and L∞ satisfy the triangle inequality; total variation is half of D1', () => {
    const triple = fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(counts(n), counts(n), counts(n)));
    fc.assert(
      fc.property(triple, ([p, q, r]) => {
        expect(d1(p, r)).toBeLessThanOrEqual(d1(p, q) + d1(q, r) + 1e-12);
        expect(lInfinity(p, r)).toBeLessThanOrEqual(lInfinity(p, q) + lInfinity(q, r) + 1e-12);
        expect(totalVariation(p, q)).toBe(d1(p, q) / 2);
        expect(ksBinned(p, q)).toBeLessThanOrEqual(totalVariation(p, q) + 1e-12);
      }),
    );
  });

  it('Jensen–Shannon distance is the square root of the divergence, both in [0, 1]', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const { divergence, distance } = jensenShannon(p, q);
        expect(distance).toBe(Math.sqrt(divergence));
        expect(divergence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('KL divergence is non-negative and zero on identical shares', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        expect(klDivergence(p, q)).toBeGreaterThanOrEqual(0);
        expect(klDivergence(p, p)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
});

describe('bad input names the argument', () => {
  it.each([
    ['empty p', () => d1([], [1]), RangeError, /d1\(p, q\): p must not be empty/],
    [
      'NaN count',
      () => psi([1, Number.NaN], [1, 1]),
      RangeError,
      /p\[1\] must be a finite count ≥ 0, got NaN/,
    ],
    [
      'negative count',
      () => hellinger([1, 2], [1, -2]),
      RangeError,
      /q\[1\] must be a finite count ≥ 0, got -2/,
    ],
    ['mismatched bins', () => lInfinity([1, 2], [1, 2, 3]), RangeError, /same number of bins, got 2 and 3/],
    ['all zeros', () => jensenShannon([0, 0], [1, 1]), RangeError, /p must have a positive total/],
    ['not an array', () => ksBinned('12' as unknown as number[], [1, 2]), TypeError, /p must be an array/],
    [
      'edges not increasing',
      () => wassersteinBinned([1, 1], [1, 1], [0, 2, 1]),
      RangeError,
      /edges must be strictly increasing/,
    ],
    [
      'edges of wrong length',
      () => wassersteinBinned([1, 1], [1, 1], [0, 1]),
      RangeError,
      /one more value than p has bins \(3\), got 2/,
    ],
    ['bad PSI epsilon', () => psi([1, 1], [1, 1], 0), RangeError, /epsilon must be in \(0, 1\)/],
    [
      'total variation named itself',
      () => totalVariation([], [1]),
      RangeError,
      /^totalVariation\(p, q\): p must not be empty/,
    ],
    [
      'counts adding up past the largest double',
      () => d1([1e308, 1e308], [1, 0]),
      RangeError,
      /d1\(p, q\): p must sum to a finite total; its counts add up past 1\.7976931348623157e\+308/,
    ],
  ] as const)('%s', (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});
