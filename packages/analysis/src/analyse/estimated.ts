import { calibrationMap, type Profile, wilson } from '@modelpulse/stats';

/** One `ml.prediction.score` (or `ml.outcome.score`) series summed over a window. */
export interface ScoreHistogram {
  label: string;
  count: number;
  /** sum of the scores: exact, unlike anything read back from buckets */
  sum: number;
  bounds: readonly number[];
  counts: readonly number[];
}

/** What the estimate took as each prediction's probability of being positive. */
export type EstimateProbabilities =
  | {
      /** the scores calibrated on the profile's labels per score bucket (isotonic regression) */
      source: 'calibrated-from-profile';
      /** bucket boundaries of the calibration (OTel layout) */
      boundaries: number[];
      /** calibrated probability of the positive class per score bucket */
      calibrated: number[];
    }
  | {
      /** the raw scores, assumed calibrated */
      source: 'raw-scores';
      /** why no calibration was applied */
      reason: string;
    };

export interface EstimatedPerformance {
  /** predictions in the window that had a score */
  predictions: number;
  expected: { tp: number; fp: number; fn: number; tn: number };
  precision: number | null;
  recall: number | null;
  /**
   * Calibrated from the profile, or raw scores assumed calibrated. Always set by
   * {@link estimatedPerformance}; optional only so that reports written before it still read.
   */
  probabilities?: EstimateProbabilities;
}

/**
 * Performance estimated without labels from the scores alone (confidence-based, as NannyML's CBPE): if
 * scores are calibrated probabilities of the positive class, a prediction labelled positive is a true
 * positive with probability equal to its score, so E[TP] is the sum of the probabilities of
 * positive-labelled predictions, E[FP] their count minus that sum, E[FN] the sum over negative-labelled
 * ones and E[TN] the rest.
 *
 * Scores are rarely calibrated, so, as NannyML does, they are first calibrated on the reference: when
 * the profile carries its labels per score bucket (`score.byLabel`, built with both a score and a label
 * column) on the same buckets as the window's histograms, each bucket's probability is the isotonic
 * regression of the label on the score there (`calibrationMap`), and E[TP] sums bucket counts times
 * those probabilities. Otherwise the raw scores are taken as calibrated and their exact histogram sums
 * are used. `probabilities` says which, and why. Either way the estimate is only as good as that
 * calibration still holds in the window — check it with {@link calibration} on the holdout.
 */
export function estimatedPerformance(
  scores: readonly ScoreHistogram[],
  positive: string,
  profile?: Pick<Profile, 'score'>,
): EstimatedPerformance {
  const probabilities = probabilitiesFor(scores, positive, profile);
  const calibrated =
    probabilities.source === 'calibrated-from-profile' ? probabilities.calibrated : undefined;
  const expected = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let predictions = 0;
  for (const s of scores) {
    predictions += s.count;
    let p = s.sum;
    if (calibrated) {
      p = 0;
      s.counts.forEach((n, i) => {
        p += n * (calibrated[i] as number);
      });
    }
    if (s.label === positive) {
      expected.tp += p;
      expected.fp += s.count - p;
    } else {
      expected.fn += p;
      expected.tn += s.count - p;
    }
  }
  const predictedPositive = expected.tp + expected.fp;
  const actualPositive = expected.tp + expected.fn;
  return {
    predictions,
    expected,
    precision: predictedPositive > 0 ? expected.tp / predictedPositive : null,
    recall: actualPositive > 0 ? expected.tp / actualPositive : null,
    probabilities,
  };
}

function probabilitiesFor(
  scores: readonly ScoreHistogram[],
  positive: string,
  profile: Pick<Profile, 'score'> | undefined,
): EstimateProbabilities {
  const raw = (reason: string): EstimateProbabilities => ({ source: 'raw-scores', reason });
  const score = profile?.score;
  if (!profile) return raw('no profile to calibrate the scores on');
  if (!score) return raw('the profile has no score histogram');
  const table = score.byLabel;
  if (!table) {
    return raw('the profile has no labels per score bucket (build it with both --score and --label)');
  }
  if (!(positive in table)) {
    return raw(`the profile’s labels per score bucket have no rows of the positive class "${positive}"`);
  }
  const { boundaries } = score;
  const other = scores.find(
    (s) => s.bounds.length !== boundaries.length || s.bounds.some((b, i) => b !== boundaries[i]),
  );
  if (other) return raw('the profile’s score buckets differ from the recorded ones');
  const totals = new Array<number>(boundaries.length + 1).fill(0);
  for (const counts of Object.values(table)) {
    counts.forEach((n, i) => {
      totals[i] = (totals[i] as number) + n;
    });
  }
  return {
    source: 'calibrated-from-profile',
    boundaries: [...boundaries],
    calibrated: calibrationMap(boundaries, table[positive] as number[], totals),
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
