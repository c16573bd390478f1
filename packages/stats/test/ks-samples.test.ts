import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ksOneSampleSf } from '../src/samples/ks-distribution.js';
import { ksSamples } from '../src/samples/ks-samples.js';

// Vectors from scipy 1.10.1: /usr/bin/python3 packages/stats/scripts/vectors/ks.py
interface LcgRecipe {
  seed: number;
  count: number;
  kind: 'sum3' | 'int';
  offset: number;
  bits?: number;
}
interface SampleCase {
  name: string;
  a?: number[];
  b?: number[];
  aRecipe?: LcgRecipe;
  bRecipe?: LcgRecipe;
  n1: number;
  n2: number;
  mode: string;
  statistic: number;
  pValue: number;
}
interface SfCase {
  n: number;
  d: number;
  sf: number;
}
interface Vectors {
  lcg: { a: number; c: number; m: number };
  samples: SampleCase[];
  sf: SfCase[];
}

const vectors = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'ks.json'), 'utf8')) as Vectors;
const TOL = 1e-9;

/** Rebuilds the generated inputs of ks.py bit for bit (integer LCG, exact dyadic values). */
function lcgValues(recipe: LcgRecipe): Float64Array {
  const { a, c, m } = vectors.lcg;
  const out = new Float64Array(recipe.count);
  let state = recipe.seed;
  const next = (): number => {
    state = (a * state + c) % m; // a·state < 2^53: exact
    return state;
  };
  if (recipe.kind === 'sum3') {
    for (let i = 0; i < recipe.count; i++) out[i] = (next() + next() + next() + recipe.offset) / m;
  } else {
    const div = 2 ** (32 - (recipe.bits ?? 0));
    for (let i = 0; i < recipe.count; i++) out[i] = Math.floor(next() / div) + recipe.offset;
  }
  return out;
}

function inputs(c: SampleCase): [ArrayLike<number>, ArrayLike<number>] {
  const a = c.a ?? (c.aRecipe ? lcgValues(c.aRecipe) : undefined);
  const b = c.b ?? (c.bRecipe ? lcgValues(c.bRecipe) : undefined);
  if (!a || !b) throw new Error(`vector ${c.name} has no inputs`);
  return [a, b];
}

describe('ksSamples vs scipy.stats.ks_2samp', () => {
  it('covers exact, fallback and asymptotic modes', () => {
    const modes = new Set(vectors.samples.map((c) => c.mode));
    expect([...modes].sort()).toEqual(['asymp', 'exact', 'exact-fallback']);
  });

  it.each(vectors.samples.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [a, b] = inputs(c);
    expect(a.length).toBe(c.n1);
    expect(b.length).toBe(c.n2);
    const r = ksSamples(a, b);
    expect(Math.abs(r.statistic - c.statistic)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(r.pValue - c.pValue)).toBeLessThanOrEqual(TOL);
  });

  it('accepts typed arrays and leaves the inputs untouched', () => {
    const a = [3, 1, 2, 5, 4];
    const b = new Float32Array([9, 7, 8, 6, 10]);
    const r = ksSamples(a, b);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(2 / 252, 15);
    expect(a).toEqual([3, 1, 2, 5, 4]);
    expect([...b]).toEqual([9, 7, 8, 6, 10]);
  });
});

describe('ksOneSampleSf vs scipy.stats.kstwo.sf', () => {
  it('covers every n of the grid', () => {
    const ns = new Set(vectors.sf.map((c) => c.n));
    for (const n of [1, 2, 5, 10, 50, 100, 140, 141, 1000, 5000, 100000, 200000])
      expect(ns.has(n)).toBe(true);
  });

  it('matches on the whole grid to 1e-9', () => {
    const bad: string[] = [];
    for (const { n, d, sf } of vectors.sf) {
      const ours = ksOneSampleSf(n, d);
      if (!(Math.abs(ours - sf) <= TOL)) bad.push(`n=${n} d=${d}: ours ${ours}, scipy ${sf}`);
    }
    expect(bad).toEqual([]);
  });

  it('throws for an invalid n or a NaN d, naming the argument', () => {
    expect(() => ksOneSampleSf(0, 0.3)).toThrow(/ksOneSampleSf\(n, d\): n must be ≥ 1, got 0/);
    expect(() => ksOneSampleSf(2.5, 0.3)).toThrow(/n must be an integer, got 2.5/);
    expect(() => ksOneSampleSf(10, Number.NaN)).toThrow(/d must be a number, got NaN/);
  });
});

describe('ksSamples input checks', () => {
  it('rejects empty samples', () => {
    expect(() => ksSamples([], [1])).toThrow(RangeError);
    expect(() => ksSamples([], [1])).toThrow(/ksSamples\(a, b\): a must not be empty/);
    expect(() => ksSamples([1], new Float64Array(0))).toThrow(/ksSamples\(a, b\): b must not be empty/);
  });

  it('rejects NaN and infinities', () => {
    expect(() => ksSamples([1, Number.NaN], [1])).toThrow(RangeError);
    expect(() => ksSamples([1, Number.NaN], [1])).toThrow(/a\[1\] must be a finite number, got NaN/);
    expect(() => ksSamples([1], [2, Number.POSITIVE_INFINITY])).toThrow(/b\[1\] must be a finite number/);
  });

  it('rejects non-arrays', () => {
    expect(() => ksSamples('123' as unknown as number[], [1])).toThrow(TypeError);
    expect(() => ksSamples([1], null as unknown as number[])).toThrow(/b must be an array or typed array/);
    expect(() => ksSamples({ length: 1, 0: 1 } as ArrayLike<number>, [1])).toThrow(TypeError);
  });
});

describe('ksSamples properties', () => {
  const sample = fc.array(
    fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -5, max: 5 })),
    {
      minLength: 1,
      maxLength: 60,
    },
  );

  it('is symmetric in its arguments', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = ksSamples(a, b);
        const ba = ksSamples(b, a);
        expect(ba.statistic).toBe(ab.statistic);
        expect(ba.pValue).toBe(ab.pValue);
      }),
    );
  });

  it('keeps statistic and p-value in [0, 1]', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const { statistic, pValue } = ksSamples(a, b);
        expect(statistic).toBeGreaterThanOrEqual(0);
        expect(statistic).toBeLessThanOrEqual(1);
        expect(pValue).toBeGreaterThanOrEqual(0);
        expect(pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives statistic 0 and p-value 1 for a sample against itself', () => {
    fc.assert(
      fc.property(sample, (a) => {
        expect(ksSamples(a, a)).toEqual({ statistic: 0, pValue: 1 });
        expect(ksSamples(a, [...a].reverse())).toEqual({ statistic: 0, pValue: 1 });
      }),
    );
  });

  it('is symmetric and bounded for large samples in asymptotic mode too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 10_001, max: 12_000 }),
        (seed, n) => {
          let s = seed;
          const draw = (): number => {
            s = (1664525 * s + 1013904223) % 4294967296;
            return s / 4294967296;
          };
          const a = Array.from({ length: n }, draw);
          const b = Array.from({ length: 300 }, () => draw() + 0.02);
          const ab = ksSamples(a, b);
          const ba = ksSamples(b, a);
          expect(ba).toEqual(ab);
          expect(ab.pValue).toBeGreaterThanOrEqual(0);
          expect(ab.pValue).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 20 },
    );
  });
});
