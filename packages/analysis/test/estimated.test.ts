import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildProfile, explicitBuckets, type Profile, UNIT_BOUNDARIES } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import {
  calibration,
  type EstimatedPerformance,
  estimatedPerformance,
  type ScoreHistogram,
} from '../src/analyse/estimated.js';
import { NANNYML_REFERENCE, nannymlAvailable, nannymlReference } from './datasets.js';

const bounds = [...UNIT_BOUNDARIES];
const histogramOf = (label: string, scores: number[]): ScoreHistogram => ({
  label,
  count: scores.length,
  sum: scores.reduce((a, b) => a + b, 0),
  bounds,
  counts: explicitBuckets(scores, bounds).counts,
});

describe('estimatedPerformance (confidence-based, without labels)', () => {
  it('sums scores into the expected confusion matrix (checked by hand)', () => {
    // Positive-labelled scores 0.9, 0.7 → E[TP] = 1.6, E[FP] = 0.4; negative-labelled 0.2, 0.1 → E[FN] = 0.3, E[TN] = 1.7.
    const e = estimatedPerformance(
      [histogramOf('reject', [0.9, 0.7]), histogramOf('approve', [0.2, 0.1])],
      'reject',
    );
    expect(e.expected.tp).toBeCloseTo(1.6, 12);
    expect(e.expected.fp).toBeCloseTo(0.4, 12);
    expect(e.expected.fn).toBeCloseTo(0.3, 12);
    expect(e.expected.tn).toBeCloseTo(1.7, 12);
    expect(e.precision).toBeCloseTo(0.8, 12);
    expect(e.recall).toBeCloseTo(1.6 / 1.9, 12);
  });

  it.skipIf(!nannymlAvailable)(
    'is only as good as the scores’ calibration: NannyML’s California scores are not, and the check says so',
    () => {
      const rows = nannymlReference(['y_pred_proba', 'clf_target']).map(([score, actual]) => ({
        score: Number(score),
        actual: actual as string,
      }));
      const positives = rows.filter((r) => r.actual === '1');
      const c = calibration(
        [
          histogramOf(
            '1',
            positives.map((r) => r.score),
          ),
          histogramOf(
            '0',
            rows.filter((r) => r.actual === '0').map((r) => r.score),
          ),
        ],
        '1',
      );
      expect(c.outcomes).toBe(5832);
      expect(c.observedPositives).toBe(positives.length);
      expect(c.expectedPositives).toBeCloseTo(
        rows.reduce((a, r) => a + r.score, 0),
        6,
      );
      // Scores promise fewer positives than the labels show (NannyML calibrates them before CBPE for this reason).
      expect(c.observedPositives).toBeGreaterThan(c.expectedPositives * 1.1);
      expect(c.buckets.some((b) => b.miscalibrated)).toBe(true);
    },
  );
});

describe('estimatedPerformance calibrated on the profile (isotonic, as NannyML before CBPE)', () => {
  // Reference on buckets (−∞, 0], (0, 0.5], (0.5, 1], (1, ∞): 10 rows in (0, 0.5] of which 6 positive,
  // 10 in (0.5, 1] of which 9 positive. The scores promise 0.25 and 0.75; calibrated, the buckets are
  // worth 0.6 and 0.9 (already increasing, so isotonic regression keeps the observed rates; the outer
  // buckets clip to them).
  const bounds = [0, 0.5, 1];
  const profile: Pick<Profile, 'score'> = {
    score: {
      boundaries: bounds,
      shares: [0, 0.5, 0.5, 0],
      count: 20,
      missing: 0,
      byLabel: { yes: [0, 6, 9, 0], no: [0, 4, 1, 0] },
    },
  };
  const window = (): ScoreHistogram[] => [
    // predicted yes: 30 scores in (0.5, 1], 0 in (0, 0.5]; predicted no: 20 in (0, 0.5], 5 in (0.5, 1]
    { label: 'yes', count: 30, sum: 30 * 0.8, bounds, counts: [0, 0, 30, 0] },
    { label: 'no', count: 25, sum: 20 * 0.2 + 5 * 0.55, bounds, counts: [0, 20, 5, 0] },
  ];

  it('maps each bucket through the calibration before the estimate (checked by hand)', () => {
    const e = estimatedPerformance(window(), 'yes', profile);
    // E[TP] = 30·0.9 = 27, E[FP] = 3; E[FN] = 20·0.6 + 5·0.9 = 16.5, E[TN] = 8.5.
    expect(e.expected.tp).toBeCloseTo(27, 12);
    expect(e.expected.fp).toBeCloseTo(3, 12);
    expect(e.expected.fn).toBeCloseTo(16.5, 12);
    expect(e.expected.tn).toBeCloseTo(8.5, 12);
    expect(e.precision).toBeCloseTo(0.9, 12);
    expect(e.recall).toBeCloseTo(27 / 43.5, 12);
    expect(e.probabilities).toEqual({
      source: 'calibrated-from-profile',
      boundaries: bounds,
      calibrated: [0.6, 0.6, 0.9, 0.9],
    });
  });

  it('pools buckets whose positive rate falls as the score rises', () => {
    const falling = { score: { ...profile.score!, byLabel: { yes: [0, 8, 7, 0], no: [0, 2, 3, 0] } } };
    expect(estimatedPerformance(window(), 'yes', falling).probabilities).toMatchObject({
      calibrated: [0.75, 0.75, 0.75, 0.75],
    });
  });

  it.each<[string, Pick<Profile, 'score'> | undefined, string, RegExp]>([
    ['no profile', undefined, 'yes', /no profile/],
    ['no score histogram', {}, 'yes', /no score histogram/],
    [
      'a profile built before the table existed',
      { score: withoutByLabel(profile.score!) },
      'yes',
      /no labels per score bucket/,
    ],
    ['a positive class the table lacks', profile, 'maybe', /no rows of the positive class "maybe"/],
    [
      'other buckets',
      { score: { ...profile.score!, boundaries: [0, 0.4, 1] } },
      'yes',
      /score buckets differ/,
    ],
  ])('falls back to the raw scores, and says why, with %s', (_, p, positive, reason) => {
    const e = estimatedPerformance(window(), positive, p);
    expect(e.probabilities?.source).toBe('raw-scores');
    expect(e.probabilities?.source === 'raw-scores' && e.probabilities.reason).toMatch(reason);
    const { probabilities: _p, ...numbers } = e;
    const { probabilities: _q, ...uncalibrated } = estimatedPerformance(window(), positive);
    expect(numbers).toEqual(uncalibrated);
  });
});

/**
 * NannyML-style CBPE on NannyML's California data, computed with scikit-learn by
 * packages/stats/scripts/vectors/cbpe_california.py (isotonic regression on the reference, expected
 * precision / recall per analysis month at our 0.05 score buckets), beside the raw-score CBPE, NannyML's
 * row-level calibration and the realized values from the delayed ground truth.
 */
interface Estimate {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
}
interface CaliforniaChunk {
  chunk: string;
  rows: number;
  predictedPositive: number;
  bucketed: Estimate;
  raw: Estimate;
  rowLevel: Estimate;
  realized: Estimate;
}
const californiaVectors = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'stats', 'test', 'vectors', 'cbpe-california.json'),
    'utf8',
  ),
) as {
  reference: { rows: number; totals: number[]; bucketPositives: number[]; calibrated: number[] };
  cases: CaliforniaChunk[];
};
/** Sums of up to 8 232 probabilities in a different order than numpy's: agreement to 1e-9. */
const VECTOR_TOLERANCE = 1e-9;

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
  });
}

describe.skipIf(!nannymlAvailable)(
  `estimatedPerformance on NannyML's California data (${dirname(NANNYML_REFERENCE)})`,
  () => {
    // Read when a test runs, not when the suite is collected: without the dataset the suite is skipped.
    const load = () => {
      const reference = nannymlReference(['y_pred_proba', 'clf_target']);
      const profile = buildProfile(
        {
          columns: {
            y_pred_proba: Float64Array.from(reference, ([s]) => Number(s)),
            clf_target: reference.map(([, y]) => y as string),
          },
        },
        { features: {}, label: 'clf_target', score: 'y_pred_proba', createdAt: '2026-01-01T00:00:00Z' },
      );
      const folder = dirname(NANNYML_REFERENCE);
      const truth = new Map(
        readCsv(join(folder, 'california_housing_analysis_gt.csv')).map((r) => [r.id, r.clf_target]),
      );
      const analysis = readCsv(join(folder, 'california_housing_analysis.csv')).map((r) => ({
        month: (r.timestamp as string).slice(0, 7),
        score: Number(r.y_pred_proba),
        predicted: r.y_pred as string,
        actual: truth.get(r.id as string),
      }));
      /** What the service would have stored for a chunk: one score histogram per predicted label. */
      const histogramsOf = (chunk: string): ScoreHistogram[] => {
        const rows = analysis.filter((r) => chunk === 'all' || r.month === chunk);
        return ['1', '0']
          .map((label) =>
            histogramOf(
              label,
              rows.filter((r) => r.predicted === label).map((r) => r.score),
            ),
          )
          .filter((h) => h.count > 0);
      };
      const estimates = new Map(
        californiaVectors.cases.map((c) => {
          const h = histogramsOf(c.chunk);
          return [
            c.chunk,
            { calibrated: estimatedPerformance(h, '1', profile), raw: estimatedPerformance(h, '1') },
          ];
        }),
      );
      return { profile, estimates };
    };
    let loaded: ReturnType<typeof load> | undefined;
    const fixture = () => {
      loaded ??= load();
      return loaded;
    };
    const expectEstimate = (actual: EstimatedPerformance, expected: Estimate) => {
      for (const key of ['tp', 'fp', 'fn', 'tn'] as const) {
        expect(Math.abs(actual.expected[key] - expected[key]), key).toBeLessThanOrEqual(VECTOR_TOLERANCE);
      }
      for (const key of ['precision', 'recall'] as const) {
        if (expected[key] === null) expect(actual[key], key).toBeNull();
        else
          expect(Math.abs((actual[key] as number) - (expected[key] as number)), key).toBeLessThanOrEqual(
            VECTOR_TOLERANCE,
          );
      }
    };

    it('the profile holds the reference table and calibrates like sklearn', () => {
      const table = fixture().profile.score?.byLabel as Record<string, number[]>;
      expect(table['1']).toEqual(californiaVectors.reference.bucketPositives);
      expect(table['1']?.map((n, i) => n + (table['0']?.[i] ?? 0))).toEqual(
        californiaVectors.reference.totals,
      );
      const e = fixture().estimates.get('all')?.calibrated;
      expect(e?.probabilities?.source).toBe('calibrated-from-profile');
      const calibrated =
        e?.probabilities?.source === 'calibrated-from-profile' ? e.probabilities.calibrated : [];
      calibrated.forEach((p, i) => {
        expect(Math.abs(p - (californiaVectors.reference.calibrated[i] as number))).toBeLessThanOrEqual(
          1e-12,
        );
      });
    });

    it.each(californiaVectors.cases.map((c) => [c.chunk, c] as const))(
      'chunk %s: equals the NannyML-style estimate at our buckets, and the raw-score one without calibration',
      (chunk, c) => {
        const e = fixture().estimates.get(chunk) as {
          calibrated: EstimatedPerformance;
          raw: EstimatedPerformance;
        };
        expect(e.calibrated.predictions).toBe(c.rows);
        expectEstimate(e.calibrated, c.bucketed);
        expectEstimate(e.raw, c.raw);
        expect(e.raw.probabilities).toEqual({
          source: 'raw-scores',
          reason: 'no profile to calibrate the scores on',
        });
        // Bucketing costs little against NannyML's own row-level calibration.
        for (const key of ['precision', 'recall'] as const) {
          if (c.rowLevel[key] === null) continue;
          expect(Math.abs((e.calibrated[key] as number) - c.rowLevel[key]), key).toBeLessThan(0.01);
        }
      },
    );

    it('is closer to the realized precision and recall than the raw-score estimate', () => {
      const error = (which: 'calibrated' | 'raw', key: 'precision' | 'recall', chunk: string) => {
        const realized = californiaVectors.cases.find((c) => c.chunk === chunk)?.realized[key] as number;
        return Math.abs((fixture().estimates.get(chunk)?.[which][key] as number) - realized);
      };
      for (const key of ['precision', 'recall'] as const) {
        // The whole analysis period (8 232 rows).
        expect(error('calibrated', key, 'all'), key).toBeLessThan(error('raw', key, 'all'));
        // Mean absolute error over the months where both the estimate and the realized value exist.
        const months = californiaVectors.cases.filter(
          (c) => c.chunk !== 'all' && c.realized[key] !== null && c.bucketed[key] !== null,
        );
        const mean = (which: 'calibrated' | 'raw') =>
          months.reduce((a, c) => a + error(which, key, c.chunk), 0) / months.length;
        expect(months.length).toBeGreaterThanOrEqual(8);
        expect(mean('calibrated'), key).toBeLessThan(mean('raw'));
      }
    });
  },
);

describe('calibration on the holdout', () => {
  it('finds scores that promise more positives than arrive', () => {
    // 200 outcomes scored 0.92 each (bucket (0.9, 0.95], promise 0.925) but only half were positive.
    const positives = histogramOf('reject', new Array(100).fill(0.92));
    const negatives = histogramOf('approve', new Array(100).fill(0.92));
    const c = calibration([positives, negatives], 'reject');
    expect(c.outcomes).toBe(200);
    expect(c.observedPositives).toBe(100);
    expect(c.expectedPositives).toBeCloseTo(184, 9);
    expect(c.buckets).toHaveLength(1);
    expect(c.buckets[0]).toMatchObject({
      lower: 0.9,
      upper: 0.95,
      outcomes: 200,
      observed: 0.5,
      expected: 0.925,
      miscalibrated: true,
    });
  });
});

/** A score profile as written before it carried labels per score bucket. */
function withoutByLabel(score: NonNullable<Profile['score']>): NonNullable<Profile['score']> {
  const { byLabel: _, ...rest } = score;
  return rest;
}
