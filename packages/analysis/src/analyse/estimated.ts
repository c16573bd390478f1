import { wilson } from '@modelpulse/stats';

/** One `ml.prediction.score` (or `ml.outcome.score`) series summed over a window. */
export interface ScoreHistogram {
  label: string;
  count: number;
  /** sum of the scores: exact, unlike anything read back from buckets */
  sum: number;
  bounds: readonly number[];
  counts: readonly number[];
}

export interface EstimatedPerformance {
  /** predictions in the window that had a score */
  predictions: number;
  expected: { tp: number; fp: number; fn: number; tn: number };
  precision: number | null;
  recall: number | null;
}

/**
 * Performance estimated without labels from the scores alone (confidence-based, as NannyML's CBPE): if
 * scores are calibrated probabilities of the positive class, a prediction labelled positive is a true
 * positive with probability equal to its score, so E[TP] is the sum of the scores of positive-labelled
 * predictions, E[FP] their count minus that sum, E[FN] the sum over negative-labelled ones and E[TN]
 * the rest. Histogram sums are exact, so no bucket approximation enters. Valid only as far as the scores
 * are calibrated — check that with {@link calibration} on the holdout.
 */
export function estimatedPerformance(
  scores: readonly ScoreHistogram[],
  positive: string,
): EstimatedPerformance {
  const expected = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let predictions = 0;
  for (const s of scores) {
    predictions += s.count;
    if (s.label === positive) {
      expected.tp += s.sum;
      expected.fp += s.count - s.sum;
    } else {
      expected.fn += s.sum;
      expected.tn += s.count - s.sum;
    }
  }
  const predictedPositive = expected.tp + expected.fp;
  const actualPositive = expected.tp + expected.fn;
  return {
    predictions,
    expected,
    precision: predictedPositive > 0 ? expected.tp / predictedPositive : null,
    recall: actualPositive > 0 ? expected.tp / actualPositive : null,
  };
}

export interface CalibrationBucket {
  lower: number;
  upper: number;
  outcomes: number;
  /** share of those outcomes that were positive, with its Wilson interval */
  observed: number;
  interval: { lower: number; upper: number };
  /** the bucket's midpoint: the positive rate calibrated scores in it promise */
  expected: number;
  /** the promise lies outside the interval */
  miscalibrated: boolean;
}

/**
 * Calibration of the scores on the holdout, from `ml.outcome.score` split by actual label: per score
 * bucket, the observed positive rate (Wilson interval) against the rate the scores promise, and overall,
 * positives observed against the sum of the scores.
 */
export function calibration(
  outcomeScores: readonly ScoreHistogram[],
  positive: string,
  confidence = 0.95,
): { buckets: CalibrationBucket[]; expectedPositives: number; observedPositives: number; outcomes: number } {
  const bounds = outcomeScores[0]?.bounds ?? [];
  const positives = new Array<number>(bounds.length + 1).fill(0);
  const all = new Array<number>(bounds.length + 1).fill(0);
  let expectedPositives = 0;
  let observedPositives = 0;
  let outcomes = 0;
  for (const s of outcomeScores) {
    expectedPositives += s.sum;
    outcomes += s.count;
    if (s.label === positive) observedPositives += s.count;
    s.counts.forEach((c, i) => {
      all[i] = (all[i] as number) + c;
      if (s.label === positive) positives[i] = (positives[i] as number) + c;
    });
  }
  const buckets: CalibrationBucket[] = [];
  all.forEach((n, i) => {
    if (n === 0 || i === 0 || i > bounds.length - 1) return; // (−∞, b₀] and (bₘ, ∞) have no midpoint
    const lower = bounds[i - 1] as number;
    const upper = bounds[i] as number;
    const k = positives[i] as number;
    const interval = wilson(k, n, confidence);
    const expected = (lower + upper) / 2;
    buckets.push({
      lower,
      upper,
      outcomes: n,
      observed: k / n,
      interval,
      expected,
      miscalibrated: expected < interval.lower || expected > interval.upper,
    });
  });
  return { buckets, expectedPositives, observedPositives, outcomes };
}
