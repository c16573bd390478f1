import { describe, expect, it, vi } from 'vitest';
import {
  createRandom,
  d1,
  jensenShannon,
  lInfinity,
  nullDistribution,
  nullPValue,
  nullThreshold,
} from '../src/index.js';
import { MultinomialSampler, sampleBinomial, sampleMultinomial } from '../src/threshold/binomial.js';
import { loadVectors } from './vectors.js';

type ThresholdCase =
  | {
      kind: 'twoBinQuantile';
      n: number;
      p: number;
      alpha: number;
      simulations: number;
      lInfinity: number;
      d1: number;
    }
  | { kind: 'uniformTenMeanD1'; n: number; meanD1: number }
  | { kind: 'binomialCdf'; n: number; p: number; from: number; cdf: number[] };

const cases = loadVectors<ThresholdCase>('threshold');
const uniformTen = new Array(10).fill(1);

describe('exact binomial sampling (checked against scipy.stats.binom.cdf)', () => {
  const draws = 100_000;
  // Two-sided KS critical value for α = 0.001 is 1.949/√N; the seed is fixed, so this cannot flake.
  const critical = 1.949 / Math.sqrt(draws);
  it.each(cases.flatMap((c) => (c.kind === 'binomialCdf' ? [[`n = ${c.n}, p = ${c.p}`, c] as const] : [])))(
    'Binomial(%s) draws follow the exact CDF',
    (_, c) => {
      const random = createRandom(99);
      const counts = new Map<number, number>();
      for (let i = 0; i < draws; i++) {
        const k = sampleBinomial(c.n, c.p, random);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      let below = 0;
      for (const [k, count] of counts) if (k < c.from) below += count;
      let gap = below / draws;
      c.cdf.forEach((exact, i) => {
        below += counts.get(c.from + i) ?? 0;
        gap = Math.max(gap, Math.abs(below / draws - exact));
      });
      expect(gap).toBeLessThan(critical);
    },
  );

  it('multinomial draws always sum to n and never fill an empty bin', () => {
    const random = createRandom(5);
    const out = new Float64Array(5);
    for (let i = 0; i < 2000; i++) {
      sampleMultinomial(1234, [0.5, 0, 0.25, 0.25, 0], random, out);
      expect(out.reduce((a, b) => a + b, 0)).toBe(1234);
      expect(out[1]).toBe(0);
      expect(out[4]).toBe(0);
    }
  });
});

describe('MultinomialSampler', () => {
  it.each([
    [7, [0.5, 0, 0.25, 0.25, 0]],
    [40, [0.9, 0.05, 0.05]], // a bin above 0.5: drawn through its complement
    [1234, [0.5, 0, 0.25, 0.25, 0]],
    [5000, [0.01, 0.2, 0.3, 0.04, 0.45]], // mode search with large n·p
  ])('draws exactly what sampleMultinomial draws from the same generator (n = %i)', (n, shares) => {
    const a = createRandom(11);
    const b = createRandom(11);
    const sampler = new MultinomialSampler(n, shares);
    const one = new Float64Array(shares.length);
    const many = new Float64Array(shares.length);
    for (let i = 0; i < 3000; i++) {
      sampleMultinomial(n, shares, a, one);
      sampler.sample(b, many);
      expect(many).toEqual(one);
    }
  });
});

describe('nullThreshold: the (1 − α) quantile of the no-drift distance', () => {
  it.each(
    cases.flatMap((c) =>
      c.kind === 'twoBinQuantile' ? [[`n = ${c.n}, p = ${c.p}, α = ${c.alpha}`, c] as const] : [],
    ),
  )('equals the exact binomial quantile on two bins (%s)', (_, c) => {
    const shares = [c.p, 1 - c.p];
    const options = { simulations: c.simulations, seed: 3, approximation: 'never' } as const;
    expect(Math.abs(nullThreshold('lInfinity', shares, c.n, c.alpha, options) - c.lInfinity)).toBeLessThan(
      1e-12,
    );
    expect(Math.abs(nullThreshold('ksBinned', shares, c.n, c.alpha, options) - c.lInfinity)).toBeLessThan(
      1e-12,
    );
    expect(Math.abs(nullThreshold('d1', shares, c.n, c.alpha, options) - c.d1)).toBeLessThan(1e-12);
  });

  it('reproduces the mean D1 of healthy windows: ≈ 0.17 at n = 200 and ≈ 0.034 at n = 5 000 on ten equal bins', () => {
    for (const c of cases) {
      if (c.kind !== 'uniformTenMeanD1') continue;
      const sims = nullDistribution('d1', uniformTen, c.n, { simulations: 20_000 });
      const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
      // Standard error of the mean is below 0.3 % of the mean for 20 000 simulations.
      expect(Math.abs(mean - c.meanD1) / c.meanD1).toBeLessThan(0.01);
    }
  });

  it('moves with the window size, so a fixed 0.1 cut-off is wrong at both ends', () => {
    const small = nullThreshold('d1', uniformTen, 200, 0.01);
    const large = nullThreshold('d1', uniformTen, 5000, 0.01);
    expect(small).toBeGreaterThan(0.1); // a fixed 0.1 fires on most healthy windows of 200 …
    expect(large).toBeLessThan(0.1); // … and misses drift of 0.06 at 5 000.
    expect(small / large).toBeGreaterThan(4); // roughly √(5000/200) = 5
  });

  it('keeps the false-alarm rate at α on fresh healthy windows of any size', () => {
    const reference = [0.02, 0.05, 0.1, 0.2, 0.25, 0.18, 0.1, 0.06, 0.03, 0.01];
    const alpha = 0.05;
    const random = createRandom(2026); // independent of the threshold's own seed
    const current = new Float64Array(reference.length);
    for (const n of [50, 500, 50_000]) {
      const threshold = nullThreshold('d1', reference, n, alpha);
      let alarms = 0;
      const windows = 4000;
      for (let w = 0; w < windows; w++) {
        if (d1(reference, sampleMultinomial(n, reference, random, current)) > threshold) alarms++;
      }
      // D1 is discrete: the rate can only be at or below α, and not far below it. 4 000 windows give a
      // binomial standard error of 0.0034 at α = 0.05.
      expect(alarms / windows).toBeLessThan(alpha + 3 * 0.0034);
      expect(alarms / windows).toBeGreaterThan(alpha - 0.025);
    }
  });

  it('widens when the reference is itself a finite sample', () => {
    const exact = nullThreshold('jensenShannon', uniformTen, 1000, 0.01);
    const sampled = nullThreshold('jensenShannon', uniformTen, 1000, 0.01, { referenceN: 1000 });
    expect(sampled).toBeGreaterThan(exact * 1.2);
  });

  it('is deterministic for a seed and cached', () => {
    const a = nullDistribution('psi', [1, 2, 3, 4], 321, { seed: 8 });
    expect(nullDistribution('psi', [1, 2, 3, 4], 321, { seed: 8 })).toBe(a);
    expect(nullDistribution('psi', [2, 4, 6, 8], 321, { seed: 8 })).toEqual(a); // counts or shares
    expect(nullThreshold('psi', [1, 2, 3, 4], 321, 0.01, { seed: 9 })).not.toBe(
      nullThreshold('psi', [1, 2, 3, 4], 321, 0.01, { seed: 8 }),
    );
    // Large windows: the linear distances' limit law is seeded too; the quadratic ones need no seed.
    const limit = (seed: number) => nullThreshold('d1', [1, 2, 3, 4], 50_000, 0.01, { seed });
    expect(limit(8)).toBe(limit(8));
    expect(limit(9)).not.toBe(limit(8));
  });

  it('supports every named distance, including the ones needing edges', () => {
    const edges = [0, 1, 2, 3, 4];
    for (const method of [
      'totalVariation',
      'hellinger',
      'jensenShannonDivergence',
      'klDivergence',
    ] as const) {
      expect(nullThreshold(method, [1, 2, 3, 4], 500)).toBeGreaterThan(0);
    }
    expect(nullThreshold('wassersteinBinned', [1, 2, 3, 4], 500, 0.01, { edges })).toBeGreaterThan(0);
    expect(() => nullThreshold('wassersteinBinned', [1, 2, 3, 4], 500)).toThrow(/needs the bin edges/);
  });

  it('gives a Monte Carlo p-value that is never 0 and is 1 for no distance', () => {
    const sims = nullDistribution('lInfinity', [1, 1], 100, { simulations: 999 });
    expect(nullPValue(0, sims)).toBe(1);
    expect(() => nullPValue(Number.NaN, sims)).toThrow(
      'nullPValue(observed, nullSorted): observed must be a number, got NaN.',
    );
    expect(() => nullPValue(0.5, Float64Array.of(0.6, 0.1, 0.2))).toThrow(
      'nullPValue(observed, nullSorted): nullSorted must be sorted ascending; entry 1 (0.1) is below entry 0.',
    );
    expect(() => nullPValue(0.5, new Float64Array(0))).toThrow(/nullSorted must be a non-empty Float64Array/);
    expect(nullPValue(1, sims)).toBe(1 / 1000);
    expect(nullPValue(lInfinity([1, 1], [60, 40]), sims)).toBeGreaterThan(0.01);
  });

  it.each([
    [
      'unknown method',
      () => nullThreshold('l2' as 'd1', [1, 1], 10),
      RangeError,
      /Unknown distance method "l2"/,
    ],
    [
      'alpha outside (0, 1)',
      () => nullThreshold('d1', [1, 1], 10, 1),
      RangeError,
      /alpha must be in \(0, 1\), got 1/,
    ],
    ['n = 0', () => nullThreshold('d1', [1, 1], 0), RangeError, /n must be ≥ 1, got 0/],
    ['fractional n', () => nullThreshold('d1', [1, 1], 2.5), TypeError, /n must be an integer/],
    ['negative share', () => nullThreshold('d1', [1, -1], 10), RangeError, /referenceShares\[1\]/],
    [
      'few simulations',
      () => nullThreshold('d1', [1, 1], 10, 0.01, { simulations: 5 }),
      RangeError,
      /options.simulations must be ≥ 100/,
    ],
  ] as const)('rejects %s', (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('simulated windows shared between methods', () => {
  it('gives the Jensen–Shannon distances of the windows themselves (derived from the divergences)', () => {
    // The same windows drawn here directly: seed 5, one MultinomialSampler, one window after another.
    const reference = [5, 1, 3, 0, 2, 8, 1];
    const total = 20;
    const n = 45;
    const random = createRandom(5);
    const sampler = new MultinomialSampler(
      n,
      reference.map((v) => v / total),
    );
    const counts = new Float64Array(reference.length);
    const distances = new Float64Array(3000);
    const divergences = new Float64Array(3000);
    for (let i = 0; i < distances.length; i++) {
      const js = jensenShannon(reference, sampler.sample(random, counts));
      distances[i] = js.distance;
      divergences[i] = js.divergence;
    }
    const options = { simulations: 3000, seed: 5 };
    expect(nullDistribution('jensenShannon', reference, n, options)).toEqual(distances.sort());
    expect(nullDistribution('jensenShannonDivergence', reference, n, options)).toEqual(divergences.sort());
  });

  // Each fresh module starts with empty caches: what one method's simulation gives must not depend on
  // whether another method drew the same windows first.
  const fresh = async () => {
    vi.resetModules();
    return import('../src/threshold/null-threshold.js');
  };
  const shares = [5, 1, 3, 0, 2, 8, 1];

  it.each([
    ['an exact reference', {}],
    ['a sampled reference', { referenceN: 150 }],
  ])('gives every method the distances it gets alone, with %s', async (_, options) => {
    const alone = await fresh();
    const psi = alone.nullDistribution('psi', shares, 60, { ...options, simulations: 2000, seed: 7 });
    const shared = await fresh();
    shared.nullDistribution('lInfinity', shares, 60, { ...options, simulations: 2000, seed: 7 });
    shared.nullDistribution('jensenShannon', shares, 60, { ...options, simulations: 2000, seed: 7 });
    const after = shared.nullDistribution('psi', shares, 60, { ...options, simulations: 2000, seed: 7 });
    expect(after).toEqual(psi);
    // and different seeds or sizes are different windows
    const other = shared.nullDistribution('psi', shares, 61, { ...options, simulations: 2000, seed: 7 });
    expect(other).not.toEqual(psi);
  });
});
