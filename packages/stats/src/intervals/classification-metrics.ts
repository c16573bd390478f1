import { assertInteger, assertNumber, describe } from '../internal/assert.js';
import { clopperPearson } from './clopper-pearson.js';
import { wilson } from './wilson.js';

/** Confusion-matrix counts of a binary classifier. */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Options of {@link classificationMetrics}. */
export interface ClassificationMetricsOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Interval for each binomial proportion; default `'wilson'`. */
  method?: 'wilson' | 'clopper-pearson';
}

/** A metric with its confidence interval. `value` is `null` when the metric is 0/0 (then [0, 1]). */
export interface MetricEstimate {
  value: number | null;
  lower: number;
  upper: number;
}

/** Point estimates and confidence intervals of the usual binary-classification metrics. */
export interface ClassificationMetrics {
  precision: MetricEstimate;
  recall: MetricEstimate;
  f1: MetricEstimate;
  accuracy: MetricEstimate;
  baseRate: MetricEstimate;
}

const FN = 'classificationMetrics(counts, options)';
const METHODS = { wilson, 'clopper-pearson': clopperPearson } as const;

/**
 * Precision, recall, F1, accuracy and base rate of a binary classifier, each with a two-sided confidence
 * interval, from its confusion-matrix counts.
 *
 * - precision = tp / (tp + fp), recall = tp / (tp + fn), accuracy = (tp + tn) / N and
 *   baseRate = (tp + fn) / N (N = tp + fp + fn + tn) are binomial proportions; each interval is the
 *   Wilson or Clopper–Pearson interval of its successes out of its trials.
 * - F1 = 2tp / (2tp + fp + fn) is not a binomial proportion. Its interval comes from the Jaccard index
 *   J = tp / (tp + fp + fn): with instances drawn independently, tp given m = tp + fp + fn is
 *   Binomial(m, θ) with θ = π_tp / (π_tp + π_fp + π_fn), and the population F1 equals 2θ / (1 + θ).
 *   The interval [L, U] for θ is mapped through the increasing function J ↦ 2J / (1 + J), so
 *   [2L / (1 + L), 2U / (1 + U)] covers the population F1 exactly as often as [L, U] covers θ
 *   (conditionally on m, hence also unconditionally), and contains the point estimate.
 * - A metric whose denominator is 0 (no predicted positives for precision, no actual positives for
 *   recall, tp + fp + fn = 0 for F1, an all-zero matrix for accuracy and base rate) is undefined: it is
 *   returned as `{ value: null, lower: 0, upper: 1 }`, never NaN.
 *
 * Reference: every interval equals `scipy.stats.binomtest(successes, trials).proportion_ci(confidence,
 * method)` ('wilson' or 'exact'), the F1 one after the 2J / (1 + J) transform.
 *
 * @param counts whole counts tp, fp, fn, tn ≥ 0
 * @param options `confidence` (default 0.95) and `method` (`'wilson'`, the default, or `'clopper-pearson'`)
 * @example
 * const m = classificationMetrics({ tp: 90, fp: 10, fn: 5, tn: 895 });
 * m.precision; // { value: 0.9, lower: ≈ 0.8256343384951, upper: ≈ 0.9447708629393 }
 * m.f1.value; // ≈ 0.923076923076923 — 180 / 195
 */
export function classificationMetrics(
  counts: ConfusionCounts,
  options: ClassificationMetricsOptions = {},
): ClassificationMetrics {
  if (typeof counts !== 'object' || counts === null) {
    throw new TypeError(`${FN}: counts must be an object { tp, fp, fn, tn }, got ${describe(counts)}.`);
  }
  const { tp, fp, fn, tn } = counts;
  assertInteger(FN, 'counts.tp', tp);
  assertInteger(FN, 'counts.fp', fp);
  assertInteger(FN, 'counts.fn', fn);
  assertInteger(FN, 'counts.tn', tn);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${FN}: options must be an object, got ${describe(options)}.`);
  }
  const { confidence = 0.95, method = 'wilson' } = options;
  if (!Object.hasOwn(METHODS, method)) {
    throw new RangeError(
      `${FN}: options.method must be 'wilson' or 'clopper-pearson', got ${describe(method)}.`,
    );
  }
  assertNumber(FN, 'options.confidence', confidence, { min: 0, max: 1, open: true });
  const interval = METHODS[method];
  const proportion = (successes: number, trials: number): MetricEstimate => {
    if (trials === 0) return { value: null, lower: 0, upper: 1 };
    return { value: successes / trials, ...interval(successes, trials, confidence) };
  };
  const jaccard = proportion(tp, tp + fp + fn);
  const toF1 = (j: number): number => (2 * j) / (1 + j);
  const f1: MetricEstimate =
    jaccard.value === null
      ? jaccard
      : { value: (2 * tp) / (2 * tp + fp + fn), lower: toF1(jaccard.lower), upper: toF1(jaccard.upper) };
  const total = tp + fp + fn + tn;
  return {
    precision: proportion(tp, tp + fp),
    recall: proportion(tp, tp + fn),
    f1,
    accuracy: proportion(tp + tn, total),
    baseRate: proportion(tp + fn, total),
  };
}
