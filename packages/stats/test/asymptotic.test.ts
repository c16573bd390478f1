import { describe, expect, it } from 'vitest';
import {
  chiSquaredInverseSurvival,
  chiSquaredSurvival,
  DISTANCE_METHODS,
  type DistanceMethod,
  distanceByName,
  normalQuantile,
  nullDistribution,
  nullIsAsymptotic,
  nullPValue,
  nullPValueFor,
  nullThreshold,
} from '../src/index.js';
import { isLinear, linearDistance, selectRank } from '../src/threshold/limit-law.js';
import { createRandom } from '../src/threshold/random.js';
import { loadVectors } from './vectors.js';

type Case =
  | { kind: 'chiSquaredIsf'; q: number; dof: number; x: number }
  | ({
      kind: 'quadratic';
      reference: string;
      shares: number[];
      alpha: number;
      n: number;
      referenceN: number | null;
    } & Record<'psi' | 'klDivergence' | 'jensenShannonDivergence' | 'jensenShannon' | 'hellinger', number>)
  | { kind: 'twoBin'; p: number; alpha: number; n: number; d1: number }
  | { kind: 'kolmogorov'; alpha: number; x: number };

// scipy.stats values from scripts/vectors/asymptotic.py.
const cases = loadVectors<Case>('asymptotic');
const pick = <K extends Case['kind']>(kind: K) =>
  cases.flatMap((c) => (c.kind === kind ? [c as Extract<Case, { kind: K }>] : []));
const QUADRATIC = ['psi', 'klDivergence', 'jensenShannonDivergence', 'jensenShannon', 'hellinger'] as const;
const skewed10 = [0.02, 0.05, 0.1, 0.2, 0.25, 0.18, 0.1, 0.06, 0.03, 0.01];
const edges10 = Array.from({ length: 11 }, (_, i) => i / 10);

describe('chiSquaredInverseSurvival (scipy.stats.chi2.isf)', () => {
  it.each(pick('chiSquaredIsf').map((c) => [`q = ${c.q}, dof = ${c.dof}`, c] as const))('%s', (_, c) => {
    expect(Math.abs(chiSquaredInverseSurvival(c.q, c.dof) - c.x) / c.x).toBeLessThan(1e-12);
  });

  it('inverts chiSquaredSurvival and handles the ends', () => {
    for (const dof of [0.5, 1, 3, 20, 300])
      for (const q of [1e-200, 1e-9, 0.01, 0.5, 0.99, 1 - 1e-9]) {
        expect(Math.abs(chiSquaredSurvival(chiSquaredInverseSurvival(q, dof), dof) / q - 1)).toBeLessThan(
          1e-10,
        );
      }
    expect(chiSquaredInverseSurvival(0, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(chiSquaredInverseSurvival(1, 3)).toBe(0);
    expect(() => chiSquaredInverseSurvival(1.5, 3)).toThrow(/q must be in \[0, 1\]/);
    expect(() => chiSquaredInverseSurvival(0.5, 0)).toThrow(/dof must be in \(0, Infinity\)/);
  });
});

describe('nullThreshold for large windows: the large-sample law', () => {
  it.each(
    pick('quadratic').map(
      (c) => [`${c.reference}, α = ${c.alpha}, n = ${c.n}, referenceN = ${c.referenceN ?? '∞'}`, c] as const,
    ),
  )('quadratic distances are scipy’s χ² quantile in closed form (%s)', (_, c) => {
    const options = c.referenceN === null ? {} : { referenceN: c.referenceN };
    for (const method of QUADRATIC) {
      expect(nullIsAsymptotic(method, c.shares, c.n, options)).toBe(true);
      const threshold = nullThreshold(method, c.shares, c.n, c.alpha, options);
      expect(Math.abs(threshold / c[method] - 1), method).toBeLessThan(1e-9);
      // …and the p-value at the threshold is α, from the χ² survival function.
      expect(Math.abs(nullPValueFor(method, c.shares, c.n, threshold, options) / c.alpha - 1)).toBeLessThan(
        1e-9,
      );
    }
  });

  // √n·D1 → 2·|N(0, p(1 − p))|. With M draws the estimated (1 − α) quantile x of that law has standard
  // deviation √(α(1 − α)/M) / f(x), f its density; the test allows four of them.
  const M = 200_000;
  it.each(pick('twoBin').map((c) => [`p = ${c.p}, α = ${c.alpha}, n = ${c.n}`, c] as const))(
    'D1 on two bins is 2·√(p(1 − p)/n)·z(α/2) within Monte Carlo error (%s)',
    (_, c) => {
      const z = -normalQuantile(c.alpha / 2);
      const density = (2 * Math.exp(-(z * z) / 2)) / Math.sqrt(2 * Math.PI); // of |N(0, 1)| at z
      const tolerance = (4 * Math.sqrt((c.alpha * (1 - c.alpha)) / M)) / density / z; // relative
      expect(tolerance).toBeLessThan(0.013);
      const shares = [c.p, 1 - c.p];
      for (const [method, factor] of [
        ['d1', 1],
        ['totalVariation', 0.5],
        ['lInfinity', 0.5],
        ['ksBinned', 0.5],
      ] as const) {
        const threshold = nullThreshold(method, shares, c.n, c.alpha, { simulations: M });
        expect(Math.abs(threshold / (c.d1 * factor) - 1), method).toBeLessThan(tolerance);
      }
    },
  );

  it.each(pick('kolmogorov').map((c) => [`α = ${c.alpha}`, c] as const))(
    'binned KS on 1 000 equal bins approaches the Kolmogorov distribution from below (%s)',
    (_, c) => {
      // The maximum of a Brownian bridge over 1 000 grid points falls short of its supremum by about
      // 0.5826/√1000 ≈ 0.018 (Broadie, Glasserman & Kou 1997), ≈ 1.1 % of the quantile; 10 000 draws add
      // a Monte Carlo error of about 1 %.
      const shares = new Array(1000).fill(1);
      const n = 1_000_000;
      const scaled = nullThreshold('ksBinned', shares, n, c.alpha, { simulations: 10_000 }) * Math.sqrt(n);
      expect(scaled).toBeLessThan(c.x);
      expect(scaled).toBeGreaterThan(c.x * 0.96);
    },
  );

  it('agrees with exact simulation at n = 20 000 on a ten-bin reference, for every method', () => {
    const n = 20_000;
    for (const referenceN of [undefined, 20_000]) {
      const base = { edges: edges10, ...(referenceN ? { referenceN } : {}) };
      for (const method of DISTANCE_METHODS) {
        expect(nullIsAsymptotic(method, skewed10, n, base)).toBe(true);
        const asymptotic = nullThreshold(method, skewed10, n, 0.01, base);
        const exact = nullThreshold(method, skewed10, n, 0.01, { ...base, approximation: 'never' });
        // The exact quantile carries ≈ 1.3 % of Monte Carlo error (10 000 windows), the linear
        // distances' limit quantile ≈ 0.4 % (100 000 draws).
        expect(Math.abs(asymptotic / exact - 1), `${method}, referenceN ${referenceN}`).toBeLessThan(0.05);
      }
    }
  });

  it('shrinks exactly as 1/√n once the law applies, at no cost growing with n', () => {
    const at = (n: number) => nullThreshold('wassersteinBinned', skewed10, n, 0.01, { edges: edges10 });
    const scaled = at(10_000) * Math.sqrt(10_000);
    for (const n of [20_000, 1e6, 1e9])
      expect(Math.abs(at(n) * Math.sqrt(n) - scaled)).toBeLessThan(1e-12 * scaled);
  });

  it('uses n·m / (n + m) for a reference sample of m', () => {
    const withReference = nullThreshold('d1', skewed10, 30_000, 0.01, { referenceN: 60_000 });
    expect(withReference).toBeCloseTo(nullThreshold('d1', skewed10, 20_000, 0.01), 15);
  });

  it('simulates small windows exactly, and switches where the rule says', () => {
    const shares = [0.5, 0.3, 0.2];
    expect(nullIsAsymptotic('d1', shares, 99)).toBe(false);
    expect(nullIsAsymptotic('d1', shares, 100)).toBe(true);
    expect(nullIsAsymptotic('psi', shares, 516)).toBe(false);
    expect(nullIsAsymptotic('psi', shares, 517)).toBe(true);
    expect(nullIsAsymptotic('d1', shares, 100, { approximation: 'never' })).toBe(false);
    expect(nullIsAsymptotic('d1', shares, 5, { approximation: 'always' })).toBe(true);
    expect(nullIsAsymptotic('d1', shares, 50, { minExpectedCount: 10 })).toBe(true);
    expect(nullIsAsymptotic('d1', [0, 1, 0], 1e9)).toBe(false); // one bin: distance always 0
    const simulated = nullDistribution('d1', shares, 99, { simulations: 10_000 });
    expect(nullThreshold('d1', shares, 99, 0.01)).toBe(simulated[Math.ceil(0.99 * 10_000) - 1]);
    // p-values of small windows: exact up to 0.05 (the kept tail), within the 5 % grid above
    for (const q of [0.95, 0.97, 0.99, 0.999]) {
      const observed = simulated[Math.floor(q * 10_000)] as number;
      expect(nullPValueFor('d1', shares, 99, observed)).toBe(nullPValue(observed, simulated));
    }
    for (const observed of [0, 0.05, 0.1, 0.15, 0.2]) {
      expect(
        Math.abs(nullPValueFor('d1', shares, 99, observed) - nullPValue(observed, simulated)),
      ).toBeLessThanOrEqual(0.05);
    }
    expect(() => nullIsAsymptotic('d1', shares, 10, { approximation: 'sometimes' as 'auto' })).toThrow(
      /options.approximation must be 'auto', 'never' or 'always', got "sometimes"/,
    );
  });
});

describe('nullPValueFor', () => {
  it('is the χ² survival of the scaled statistic for the quadratic distances', () => {
    const n = 50_000;
    const js = 0.01;
    const expected = chiSquaredSurvival(8 * Math.LN2 * n * js * js, 9);
    expect(nullPValueFor('jensenShannon', skewed10, n, js)).toBeCloseTo(expected, 15);
    expect(nullPValueFor('psi', skewed10, n, 2e-4)).toBeCloseTo(chiSquaredSurvival(n * 2e-4, 9), 15);
    expect(nullPValueFor('klDivergence', skewed10, n, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('is about α at the threshold for the linear distances, and never 0', () => {
    for (const method of ['d1', 'lInfinity', 'ksBinned', 'wassersteinBinned'] as const) {
      const threshold = nullThreshold(method, skewed10, 40_000, 0.01, { edges: edges10 });
      const p = nullPValueFor(method, skewed10, 40_000, threshold, { edges: edges10 });
      expect(p).toBeGreaterThanOrEqual(0.01);
      expect(p).toBeLessThan(0.0105);
      expect(nullPValueFor(method, skewed10, 40_000, 1, { edges: edges10 })).toBe(1 / 100_001);
    }
  });

  it('rejects a negative or missing distance', () => {
    expect(() => nullPValueFor('d1', [1, 1], 100, -1)).toThrow(/observed must be a distance ≥ 0, got -1/);
    expect(() => nullPValueFor('d1', [1, 1], 100, Number.NaN)).toThrow(/got NaN/);
  });
});

describe('the limit of √n·D computed from d directly', () => {
  it('equals √N·D(p, p + z/√N) of the distance functions for large N', () => {
    const random = createRandom(4);
    const N = 1e10;
    for (let trial = 0; trial < 20; trial++) {
      const p = skewed10.map(() => random() + 0.01);
      const total = p.reduce((a, b) => a + b, 0);
      const shares = p.map((v) => v / total);
      const z = shares.map(() => random() - 0.5);
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      const d = z.map((v) => v - mean); // sums to 0, like a difference of shares
      const current = shares.map((v, i) => v + (d[i] as number) / Math.sqrt(N));
      for (const method of DISTANCE_METHODS.filter(isLinear)) {
        const direct = linearDistance(method, d, edges10);
        const viaFunction = distanceByName(method as DistanceMethod, edges10)(shares, current) * Math.sqrt(N);
        expect(Math.abs(direct - viaFunction) / direct, method).toBeLessThan(1e-4);
      }
    }
  });
});

describe('selectRank', () => {
  it('finds the value of every rank, with ties', () => {
    const random = createRandom(11);
    for (const length of [1, 2, 3, 10, 101, 1000]) {
      const values = Float64Array.from({ length }, () => Math.floor(random() * 20));
      const sorted = Float64Array.from(values).sort();
      for (const rank of new Set([0, length >> 1, length - 1, Math.floor(random() * length)])) {
        expect(selectRank(Float64Array.from(values), rank)).toBe(sorted[rank]);
      }
    }
  });
});
