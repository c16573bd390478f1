import { explicitBuckets, UNIT_BOUNDARIES } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import { calibration, estimatedPerformance, type ScoreHistogram } from '../src/analyse/estimated.js';
import { nannymlAvailable, nannymlReference } from './datasets.js';

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
