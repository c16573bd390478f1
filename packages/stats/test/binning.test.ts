import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalWidthEdges, explicitBuckets, histogram, quantileEdges } from '../src/index.js';
import { loadVectors } from './vectors.js';

type BinningCase =
  | { kind: 'quantileEdges'; label: string; values: number[]; bins: number; edges: number[] }
  | { kind: 'equalWidthEdges'; min: number; max: number; bins: number; edges: number[] }
  | {
      kind: 'histogram';
      label: string;
      values: (number | null)[];
      edges: number[];
      counts: number[];
      underflow: number;
      overflow: number;
      missing: number;
    };

const cases = loadVectors<BinningCase>('binning');

describe('binning against numpy', () => {
  it.each(cases.filter((c) => c.kind === 'quantileEdges').map((c) => [c.label, c] as const))(
    'quantileEdges: %s (numpy.quantile, then unique)',
    (_, c) => {
      const edges = quantileEdges(c.values, c.bins);
      expect(edges).toHaveLength(c.edges.length);
      edges.forEach((e, i) => {
        expect(Math.abs(e - (c.edges[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
      });
    },
  );

  it.each(
    cases
      .filter((c) => c.kind === 'equalWidthEdges')
      .map((c) => [`${c.min}..${c.max} in ${c.bins}`, c] as const),
  )('equalWidthEdges %s (numpy.linspace)', (_, c) => {
    const edges = equalWidthEdges(c.min, c.max, c.bins);
    expect(edges[0]).toBe(c.min);
    expect(edges[c.bins]).toBe(c.max);
    edges.forEach((e, i) => {
      expect(Math.abs(e - (c.edges[i] as number))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(e)));
    });
  });

  it.each(cases.filter((c) => c.kind === 'histogram').map((c) => [c.label, c] as const))(
    'histogram: %s (numpy.histogram + explicit out-of-range and missing counts)',
    (_, c) => {
      expect(histogram(c.values, c.edges)).toEqual({
        counts: c.counts,
        underflow: c.underflow,
        overflow: c.overflow,
        missing: c.missing,
      });
    },
  );
});

describe('OpenTelemetry explicit-bucket layout', () => {
  it('puts each value in the first bucket whose upper bound is ≥ the value, as the OTel SDK does', () => {
    // OTel metrics data model: bucket i counts (bounds[i-1], bounds[i]]; the last is (bounds[last], +∞).
    expect(explicitBuckets([-1, 0, 0.01, 0.5, 0.75, 1, 1.0001, Number.NaN], [0, 0.5, 1])).toEqual({
      counts: [2, 2, 2, 1],
      missing: 1,
    });
  });
});

describe('binning properties', () => {
  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 });

  it('quantile edges are strictly increasing from the minimum to the maximum', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 50 }), (values, bins) => {
        const edges = quantileEdges(values, bins);
        // == rather than Object.is: -0 and +0 are the same edge.
        expect(edges[0] === Math.min(...values)).toBe(true);
        expect(edges[edges.length - 1] === Math.max(...values)).toBe(true);
        expect(edges.length).toBeLessThanOrEqual(bins + 1);
        for (let i = 1; i < edges.length; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1] as number);
      }),
    );
  });

  it('histogram loses nothing: counts + underflow + overflow + missing = number of values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(null))), (values) => {
        const h = histogram(values, [-10, -1, 0, 1, 10]);
        const binned = h.counts.reduce((a, b) => a + b, 0);
        expect(binned + h.underflow + h.overflow + h.missing).toBe(values.length);
      }),
    );
  });
});

describe('bad input', () => {
  it.each([
    [
      'empty values',
      () => quantileEdges([], 4),
      RangeError,
      /quantileEdges\(values, bins\): values must not be empty/,
    ],
    [
      'NaN value',
      () => quantileEdges([1, Number.NaN], 4),
      RangeError,
      /values\[1\] must be a finite number, got NaN/,
    ],
    ['zero bins', () => quantileEdges([1, 2], 0), RangeError, /bins must be ≥ 1, got 0/],
    ['fractional bins', () => equalWidthEdges(0, 1, 2.5), TypeError, /bins must be an integer, got 2.5/],
    ['max ≤ min', () => equalWidthEdges(1, 1, 3), RangeError, /max must be greater than min/],
    [
      'infinite min',
      () => equalWidthEdges(Number.NEGATIVE_INFINITY, 1, 3),
      RangeError,
      /min must be finite, got -Infinity/,
    ],
    [
      'edges not increasing',
      () => histogram([1], [0, 0, 1]),
      RangeError,
      /edges must be strictly increasing/,
    ],
    ['one edge', () => histogram([1], [0]), RangeError, /edges must hold at least 2 edges, got 1/],
    [
      'a string among explicit-bucket values',
      () => explicitBuckets([1, '3'] as unknown as number[], [0, 1]),
      TypeError,
      /explicitBuckets\(values, boundaries\): values\[1\] must be a number, got "3"/,
    ],
    [
      'values spanning more than a double',
      () => quantileEdges([-1.7e308, 1.7e308], 4),
      RangeError,
      /values must span less than the largest double/,
    ],
    [
      'edges spanning more than a double',
      () => equalWidthEdges(-1.7e308, 1.7e308, 2),
      RangeError,
      /max − min must be below the largest double/,
    ],
    [
      'string value',
      () => histogram(['1'] as unknown as number[], [0, 1]),
      TypeError,
      /values\[0\] must be a number, null or undefined/,
    ],
  ] as const)('%s', (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('missing values in explicit buckets', () => {
  it('counts null and undefined as missing, as histogram does', () => {
    expect(explicitBuckets([null, 0.5, undefined, Number.NaN] as unknown as number[], [0, 1])).toEqual({
      counts: [0, 1, 0],
      missing: 3,
    });
  });
});
