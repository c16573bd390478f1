import { assertArray, assertEdges, describe, type NumericArray } from '../internal/assert.js';
import { isotonicPredict, isotonicRegression } from './isotonic-regression.js';

const FN = 'calibrationMap(boundaries, positives, totals)';

/**
 * The score that stands for each bucket of an OpenTelemetry explicit-bucket layout: the midpoint of an
 * inner bucket (bᵢ₋₁, bᵢ]; the first boundary for (−∞, b₀]; the last one for (bₘ, ∞).
 *
 * @example
 * bucketScores([0, 0.5, 1]); // [0, 0.25, 0.75, 1]
 */
export function bucketScores(boundaries: NumericArray): number[] {
  assertEdges('bucketScores(boundaries)', 'boundaries', boundaries, 1);
  const m = boundaries.length;
  const out = new Array<number>(m + 1);
  out[0] = boundaries[0] as number;
  for (let i = 1; i < m; i++) out[i] = ((boundaries[i - 1] as number) + (boundaries[i] as number)) / 2;
  out[m] = boundaries[m - 1] as number;
  return out;
}

/**
 * Calibrated probability of the positive class per score bucket, from a reference table of how many
 * scored rows fell into each bucket (`totals`) and how many of those were positive (`positives`): the
 * increasing isotonic regression of the label on the bucket's score ({@link bucketScores}), weighted by
 * the rows, evaluated at every bucket. Empty buckets get the value interpolated between their neighbours
 * (clipped at the ends), so a live score in a bucket the reference never saw still gets a probability.
 *
 * This is the calibration NannyML applies before CBPE, at the granularity of the score histogram:
 * it equals `IsotonicRegression(out_of_bounds='clip').fit(s, y).predict(s')` with s every reference row's
 * bucket score, y its 0/1 label and s' the bucket scores.
 *
 * @param boundaries bucket boundaries (OTel layout: boundaries.length + 1 buckets)
 * @param positives positive rows per bucket, each ≤ its total
 * @param totals rows per bucket, with a positive total
 * @example
 * // buckets (−∞, 0], (0, 0.5], (0.5, 1], (1, ∞); rates that fall with the score are pooled
 * calibrationMap([0, 0.5, 1], [0, 6, 5, 0], [0, 10, 10, 0]); // [0.55, 0.55, 0.55, 0.55]
 * calibrationMap([0, 0.5, 1], [0, 2, 9, 0], [0, 10, 10, 0]); // [0.2, 0.2, 0.9, 0.9]
 */
export function calibrationMap(
  boundaries: NumericArray,
  positives: NumericArray,
  totals: NumericArray,
): number[] {
  assertEdges(FN, 'boundaries', boundaries, 1);
  assertArray(FN, 'positives', positives);
  assertArray(FN, 'totals', totals);
  const buckets = boundaries.length + 1;
  for (const [name, list] of [
    ['positives', positives],
    ['totals', totals],
  ] as const) {
    if (list.length !== buckets) {
      throw new RangeError(
        `${FN}: ${name} must have one entry per bucket (${buckets} for ${boundaries.length} boundaries), got ${list.length}.`,
      );
    }
  }
  const scores = bucketScores(boundaries);
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < buckets; i++) {
    const n = totals[i] as number;
    const k = positives[i] as number;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new RangeError(`${FN}: totals[${i}] must be a finite count ≥ 0, got ${describe(n)}.`);
    }
    if (typeof k !== 'number' || !Number.isFinite(k) || k < 0 || k > n) {
      throw new RangeError(
        `${FN}: positives[${i}] must be a count between 0 and totals[${i}] (${n}), got ${describe(k)}.`,
      );
    }
    if (n === 0) continue;
    x.push(scores[i] as number);
    y.push(k / n);
    w.push(n);
  }
  if (x.length === 0) throw new RangeError(`${FN}: totals must have a positive total, got all zeros.`);
  const fit = isotonicRegression(x, y, w);
  return scores.map((s) => isotonicPredict(fit, s));
}
