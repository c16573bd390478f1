import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquaredSurvival } from '../src/special/chi-squared-survival.js';
import { differenceOfProducts } from '../src/special/difference-of-products.js';
import { regularizedBeta } from '../src/special/incomplete-beta.js';
import { regularizedGammaP, regularizedGammaQ } from '../src/special/incomplete-gamma.js';
import { inverseRegularizedBeta } from '../src/special/inverse-incomplete-beta.js';
import { logBeta } from '../src/special/log-beta.js';
import { logGamma } from '../src/special/log-gamma.js';
import { log1pmx } from '../src/special/log1pmx.js';
import { normalQuantile } from '../src/special/normal-quantile.js';
import { loadVectors } from './vectors.js';

interface SpecialCase {
  fn: 'gammainc' | 'gammaincc' | 'betainc' | 'betaincinv' | 'ndtri' | 'chi2sf';
  args: number[];
  value: number;
  /** betainc only: scipy.stats.beta.cdf (Boost), next to scipy.special.betainc (Cephes) in `value`. */
  boost?: number;
}

// Spot values live next to the interval cases, in test/vectors/intervals.json (scripts/vectors/intervals.py).
const { special } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'vectors', 'intervals.json'), 'utf8'),
) as {
  special: SpecialCase[];
};
const byFn = (fn: SpecialCase['fn']) =>
  special.filter((c) => c.fn === fn).map((c) => [c.args.join(', '), c] as const);
const MIN_NORMAL = 2 ** -1022;

/** |actual − expected| ≤ 1e-9, and relative ≤ 1e-9 as well for normal values below 1e-6. */
function expectTailClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9);
  if (expected < 1e-6 && expected >= MIN_NORMAL) {
    expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(1e-9);
  }
}

describe('special functions against scipy 1.10.1', () => {
  it.each(byFn('gammainc'))('gammainc(%s)', (_, c) => {
    expectTailClose(regularizedGammaP(c.args[0] as number, c.args[1] as number), c.value);
  });
  it.each(byFn('gammaincc'))('gammaincc(%s)', (_, c) => {
    expectTailClose(regularizedGammaQ(c.args[0] as number, c.args[1] as number), c.value);
  });
  it.each(byFn('chi2sf'))('chi2.sf(%s)', (_, c) => {
    expectTailClose(chiSquaredSurvival(c.args[0] as number, c.args[1] as number), c.value);
  });
  it.each(byFn('betainc'))('betainc at x, a, b = %s', (_, c) => {
    const [x, a, b] = c.args as [number, number, number];
    const actual = regularizedBeta(x, a, b);
    // Cephes and Boost disagree by up to ~3e-9 on a few extreme cases; match at least one of them.
    const difference = Math.min(Math.abs(actual - c.value), Math.abs(actual - (c.boost ?? c.value)));
    expect(difference).toBeLessThanOrEqual(1e-9);
  });
  it.each(byFn('betaincinv'))('beta.ppf at p, a, b = %s', (_, c) => {
    const [p, a, b] = c.args as [number, number, number];
    const actual = inverseRegularizedBeta(p, a, b);
    // Far tighter than 1e-9: the root is found to about 1e-15 relative (the worst case here is the
    // ill-conditioned a = b = 0.001, where an ulp of I moves x by ~1e-13).
    expect(Math.abs(actual - c.value)).toBeLessThanOrEqual(1e-13 + 1e-11 * c.value);
  });
  it.each(byFn('ndtri'))('ndtri(%s)', (_, c) => {
    const actual = normalQuantile(c.args[0] as number);
    expect(Math.abs(actual - c.value)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(c.value)));
  });
});

describe('special functions: closed forms and edge values', () => {
  it('matches closed forms', () => {
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(regularizedGammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 15);
    expect(regularizedBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 14);
    expect(inverseRegularizedBeta(11 / 16, 2, 3)).toBeCloseTo(0.5, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(chiSquaredSurvival(2, 2)).toBeCloseTo(Math.exp(-1), 14);
    // ln(1 + u) − u = −u²/2 + u³/3 − …, where Math.log1p(u) − u would keep a single digit.
    expect(Math.abs(log1pmx(1e-8) / (-5e-17 + 1e-24 / 3) - 1)).toBeLessThanOrEqual(1e-15);
  });
  it('handles the ends of the domains', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaP(2, Number.POSITIVE_INFINITY)).toBe(1);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(inverseRegularizedBeta(0, 2, 3)).toBe(0);
    expect(inverseRegularizedBeta(1, 2, 3)).toBe(1);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(0.5)).toBe(0);
    expect(chiSquaredSurvival(0, 3)).toBe(1);
  });
});

describe('special functions: bad input', () => {
  it.each([
    [
      () => regularizedGammaP(0, 1),
      RangeError,
      'regularizedGammaP(a, x): a must be in (0, Infinity), got 0.',
    ],
    [
      () => regularizedGammaP(1, -1),
      RangeError,
      'regularizedGammaP(a, x): x must be in [0, Infinity], got -1.',
    ],
    [
      () => regularizedGammaQ(Number.NaN, 1),
      TypeError,
      'regularizedGammaQ(a, x): a must be a number, got NaN.',
    ],
    [() => regularizedBeta(1.5, 1, 1), RangeError, 'regularizedBeta(x, a, b): x must be in [0, 1], got 1.5.'],
    [
      () => regularizedBeta(0.5, 1, -2),
      RangeError,
      'regularizedBeta(x, a, b): b must be in (0, Infinity), got -2.',
    ],
    [
      () => inverseRegularizedBeta(-0.1, 1, 1),
      RangeError,
      'inverseRegularizedBeta(p, a, b): p must be in [0, 1]',
    ],
    [() => normalQuantile(Number.NaN), TypeError, 'normalQuantile(p): p must be a number, got NaN.'],
    [() => normalQuantile(2), RangeError, 'normalQuantile(p): p must be in [0, 1], got 2.'],
    [() => chiSquaredSurvival(-1, 1), RangeError, 'chiSquaredSurvival(x, dof): x must be in [0, Infinity]'],
    [
      () => chiSquaredSurvival(1, 0),
      RangeError,
      'chiSquaredSurvival(x, dof): dof must be in (0, Infinity), got 0.',
    ],
    [
      () => chiSquaredSurvival(1, Number.POSITIVE_INFINITY),
      RangeError,
      'chiSquaredSurvival(x, dof): dof must be finite, got Infinity.',
    ],
  ] as const)('%#: throws', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('puts nothing beyond x = Infinity, as scipy.stats.chi2.sf does', () => {
    expect(chiSquaredSurvival(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });

  it('gives ln Γ and ln B their poles and refuses what is not a number (scipy.special.gammaln / betaln)', () => {
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-0.5)).toBeCloseTo(1.2655121234846454, 13); // gammaln(-0.5)
    expect(() => logGamma(Number.NaN)).toThrow('logGamma(x): x must be a number, got NaN.');
    expect(() => logGamma('5' as unknown as number)).toThrow('logGamma(x): x must be a number, got "5".');
    expect(() => logBeta(-1, 2)).toThrow('logBeta(a, b): a must be in (0, Infinity), got -1.');
  });
});

describe('incomplete gamma at very large shapes (mpmath, scripts/vectors/gamma_large.py)', () => {
  // Past a = 1e10 the series would need millions of terms: Temme's uniform expansion answers instead.
  it.each(
    loadVectors<{ a: number; x: number; p: number; q: number }>('gamma-large').map(
      (c) => [`a = ${c.a}, x = ${c.x}`, c] as const,
    ),
  )('%s', (_, c) => {
    expect(Math.abs(regularizedGammaP(c.a, c.x) / c.p - 1)).toBeLessThan(1e-9);
    expect(Math.abs(regularizedGammaQ(c.a, c.x) / c.q - 1)).toBeLessThan(1e-9);
  });
});

describe('ln Γ next to its zeros, and P / Q at small shapes (mpmath, scripts/vectors/gamma_precise.py)', () => {
  type Case =
    | { kind: 'logGamma'; x: number; value: number }
    | { kind: 'smallShape'; a: number; x: number; p: number; q: number };
  const cases = loadVectors<Case>('gamma-precise');
  it.each(cases.flatMap((c) => (c.kind === 'logGamma' ? [[c.x, c] as const] : [])))(
    'logGamma(%s)',
    (_, c) => {
      expect(Math.abs(logGamma(c.x) / c.value - 1)).toBeLessThan(1e-14);
    },
  );
  it.each(cases.flatMap((c) => (c.kind === 'smallShape' ? [[`a = ${c.a}, x = ${c.x}`, c] as const] : [])))(
    'P and Q at %s',
    (_, c) => {
      expect(Math.abs(regularizedGammaP(c.a, c.x) / c.p - 1)).toBeLessThan(1e-14);
      expect(Math.abs(regularizedGammaQ(c.a, c.x) / c.q - 1)).toBeLessThan(1e-14);
    },
  );
});

describe('special functions: properties', () => {
  const shape = fc.double({ min: 0.05, max: 2000, noNaN: true });

  it('P + Q = 1 and both lie in [0, 1]', () => {
    fc.assert(
      fc.property(shape, fc.double({ min: 0, max: 5000, noNaN: true }), (a, x) => {
        const p = regularizedGammaP(a, x);
        const q = regularizedGammaQ(a, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(1);
        expect(Math.abs(p + q - 1)).toBeLessThanOrEqual(1e-14);
      }),
    );
  });

  it('I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 0.5, noNaN: true }), shape, shape, (u, a, b) => {
        // x ≥ ½, so y = 1 − x is exact and both calls see the same point.
        const x = 1 - u;
        const y = 1 - x;
        const sum = regularizedBeta(x, a, b) + regularizedBeta(y, b, a);
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('inverseRegularizedBeta inverts regularizedBeta', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), shape, shape, (p, a, b) => {
        const x = inverseRegularizedBeta(p, a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        // x is within a few ulps of the root: I at x ∓ 4 ulps brackets p. (Comparing I(x) with p directly
        // fails where the density is huge, e.g. next to 1 for b < 1, because x itself cannot be closer.)
        const step = 4 * Number.EPSILON * x;
        const below = regularizedBeta(Math.max(0, x - step), a, b);
        const above = regularizedBeta(Math.min(1, x + step), a, b);
        expect(below - 1e-13).toBeLessThanOrEqual(p);
        expect(above + 1e-13).toBeGreaterThanOrEqual(p);
      }),
    );
  });

  it('differenceOfProducts is exact where naive code cancels, and antisymmetric', () => {
    expect(differenceOfProducts(1e12 + 1, 1e12 - 1, 1e12, 1e12)).toBe(-1);
    const count = fc.integer({ min: 0, max: 2 ** 40 });
    fc.assert(
      fc.property(count, count, count, fc.integer({ min: 1, max: 1000 }), (a, b, c, k) => {
        // a·(k·c) and (k·a)·c are the same real number, so the difference is exactly 0.
        expect(differenceOfProducts(a, k * c, k * a, c)).toBe(0);
        // Summed rather than negated: an exact zero comes out as +0 both ways round, and toBe tells −0 from +0.
        expect(differenceOfProducts(a, b, c, k) + differenceOfProducts(c, k, a, b)).toBe(0);
        // Within two ulps of the exact integer result (the naive form can be off by ~2⁻⁵³·a·b).
        const exact = Number(BigInt(a) * BigInt(b) - BigInt(c) * BigInt(k));
        const error = Math.abs(differenceOfProducts(a, b, c, k) - exact);
        expect(error).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(exact));
      }),
    );
  });

  it('normalQuantile is odd and increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 0.5, noNaN: true }), (p) => {
        expect(normalQuantile(p)).toBeLessThanOrEqual(0);
        expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(1 - (1 - p)), 12);
        expect(normalQuantile(p * 0.999)).toBeLessThanOrEqual(normalQuantile(p));
      }),
    );
  });
});
