import { wilson } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import { holdoutOutcomes } from '../src/analyse/outcomes.js';

describe('holdoutOutcomes', () => {
  it('builds the confusion matrix from holdout outcomes only, with Wilson intervals', () => {
    const result = holdoutOutcomes(
      [
        { predicted: 'reject', actual: 'reject', holdout: true, count: 40 },
        { predicted: 'reject', actual: 'approve', holdout: true, count: 10 },
        { predicted: 'approve', actual: 'reject', holdout: true, count: 20 },
        { predicted: 'approve', actual: 'approve', holdout: true, count: 130 },
        { predicted: 'reject', actual: 'approve', holdout: false, count: 999 }, // acted on: biased, ignored
        { actual: 'reject', holdout: true, count: 5 }, // prediction unknown: waits for the id join
      ],
      'reject',
      { holdoutPredictions: 250 },
    );
    expect(result.confusion).toEqual({ tp: 40, fp: 10, fn: 20, tn: 130 });
    expect(result.metrics.precision.value).toBe(0.8);
    expect(result.metrics.recall.value).toBe(40 / 60);
    expect(result.metrics.precision.lower).toBe(wilson(40, 50).lower);
    expect(result.metrics.recall.upper).toBe(wilson(40, 60).upper);
    expect(result.metrics.accuracy.value).toBe(170 / 200);
    expect(result.outcomes).toBe(205);
    expect(result.unlabelled).toBe(5);
    expect(result.coverage).toBe(205 / 250);
  });

  it('gives no precision (null, interval [0, 1]) before any positive prediction has an outcome', () => {
    const result = holdoutOutcomes(
      [{ predicted: 'approve', actual: 'approve', holdout: true, count: 3 }],
      'reject',
    );
    expect(result.metrics.precision).toEqual({ value: null, lower: 0, upper: 1 });
    expect(result.coverage).toBeNull();
  });
});
