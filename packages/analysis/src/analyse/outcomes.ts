import { type ClassificationMetrics, type ConfusionCounts, classificationMetrics } from '@modelpulse/stats';

/** One `ml.outcome` counter series summed over a window. */
export interface OutcomeCount {
  /** `ml.prediction.label`, absent when the caller only knew the prediction id */
  predicted?: string;
  /** `ml.outcome.label` */
  actual: string;
  holdout: boolean;
  count: number;
}

export interface HoldoutOutcomes {
  positive: string;
  confusion: ConfusionCounts;
  metrics: ClassificationMetrics;
  /** holdout outcomes in the window, and those still without a predicted label (to join by id) */
  outcomes: number;
  unlabelled: number;
  /** outcomes received ÷ holdout predictions made in the matured period, when that count is known */
  coverage: number | null;
}

/**
 * Outcome metrics on the holdout slice only — the one part of traffic whose true outcomes are not biased
 * by the model's own decisions. Binary: `positive` is the label counted as positive (e.g. `reject`);
 * every other label is negative. Outcomes whose predicted label is unknown are counted apart until the
 * id join supplies it. Each metric gets a Wilson interval.
 */
export function holdoutOutcomes(
  counts: readonly OutcomeCount[],
  positive: string,
  { confidence = 0.95, holdoutPredictions }: { confidence?: number; holdoutPredictions?: number } = {},
): HoldoutOutcomes {
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let outcomes = 0;
  let unlabelled = 0;
  for (const c of counts) {
    if (!c.holdout) continue;
    outcomes += c.count;
    if (c.predicted === undefined) {
      unlabelled += c.count;
      continue;
    }
    const predictedPositive = c.predicted === positive;
    const actualPositive = c.actual === positive;
    if (predictedPositive && actualPositive) confusion.tp += c.count;
    else if (predictedPositive) confusion.fp += c.count;
    else if (actualPositive) confusion.fn += c.count;
    else confusion.tn += c.count;
  }
  return {
    positive,
    confusion,
    metrics: classificationMetrics(confusion, { confidence, method: 'wilson' }),
    outcomes,
    unlabelled,
    coverage:
      holdoutPredictions === undefined || holdoutPredictions === 0 ? null : outcomes / holdoutPredictions,
  };
}
