import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketScores, calibrationMap } from '../src/calibration/calibration-map.js';
import { isotonicPredict, isotonicRegression } from '../src/calibration/isotonic-regression.js';

interface IsotonicCase {
  name: string;
  x: number[];
  y: number[];
  weights: number[] | null;
  /** IsotonicRegression(out_of_bounds='clip').fit(x, y, weights).transform(x) */
  fitted: number[];
  at: number[];
  /** …predict(at) */
  predict: number[];
}

interface MapCase {
  name: string;
  boundaries: number[];
  positives: number[];
  totals: number[];
  /** the same regression fitted on one 0/1 row per reference row at its bucket's score, predicted at every bucket */
  map: number[];
}

const doc = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'isotonic.json'), 'utf8')) as {
  cases: IsotonicCase[];
  maps: MapCase[];
};
const TOLERANCE = 1e-12;

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - (expected[i] as number)), `entry ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(
      TOLERANCE,
    );
  });
}

describe('isotonicRegression = sklearn IsotonicRegression(out_of_bounds="clip")', () => {
  it.each(doc.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const fit = isotonicRegression(c.x, c.y, c.weights ?? undefined);
    expectClose(fit.fitted, c.fitted);
    expectClose(
      c.at.map((v) => isotonicPredict(fit, v)),
      c.predict,
    );
  });

  it('takes typed arrays', () => {
    const fit = isotonicRegression(Float64Array.of(3, 1, 2), Float64Array.of(0, 1, 0.5));
    expect(fit.x).toEqual([1, 2, 3]);
    expect(fit.y).toEqual([0.5, 0.5, 0.5]);
  });

  it('is non-decreasing, keeps the weighted mean and never moves away from y (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 30 }),
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.integer({ min: 1, max: 5 }),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        (points) => {
          const x = points.map((p) => p[0]);
          const y = points.map((p) => p[1]);
          const w = points.map((p) => p[2]);
          const fit = isotonicRegression(x, y, w);
          for (let i = 1; i < fit.y.length; i++)
            expect(fit.y[i]).toBeGreaterThanOrEqual(fit.y[i - 1] as number);
          const mean = (v: number[]) => v.reduce((a, b, i) => a + b * (w[i] as number), 0);
          expect(mean(fit.fitted)).toBeCloseTo(mean(y), 8);
        },
      ),
    );
  });

  it('names the bad argument', () => {
    expect(() => isotonicRegression([], [])).toThrow(/x must not be empty/);
    expect(() => isotonicRegression([1, 2], [1])).toThrow(/x and y must have the same length/);
    expect(() => isotonicRegression([1, Number.NaN], [1, 2])).toThrow(/x\[1\] must be a finite number/);
    expect(() => isotonicRegression([1, 2], [1, 2], [1, -1])).toThrow(
      /weights\[1\] must be a finite weight ≥ 0/,
    );
    expect(() => isotonicRegression([1, 2], [1, 2], [0, 0])).toThrow(/positive total/);
    expect(() => isotonicPredict({ x: [0], y: [1] }, Number.NaN)).toThrow(/value must be a finite number/);
  });
});

describe('calibrationMap = isotonic regression of the labels on the bucket scores (sklearn)', () => {
  it.each(doc.maps.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expectClose(calibrationMap(c.boundaries, c.positives, c.totals), c.map);
  });

  it('places each bucket at its midpoint, the open ends at the outer boundaries', () => {
    expect(bucketScores([0, 0.05, 0.1])).toEqual([0, 0.025, 0.07500000000000001, 0.1]);
  });

  it('names the bad argument', () => {
    expect(() => calibrationMap([0, 1], [0, 1], [0, 1, 0])).toThrow(
      /positives must have one entry per bucket \(3/,
    );
    expect(() => calibrationMap([0, 1], [0, 2, 0], [0, 1, 0])).toThrow(
      /positives\[1\] must be a count between 0 and totals\[1\]/,
    );
    expect(() => calibrationMap([0, 1], [0, 0, 0], [0, 0, 0])).toThrow(/positive total/);
  });
});
