import { chiSquaredSurvival, type DistanceMethod } from '@modelpulse/stats';
import { type ReferenceLaws, referenceLaws } from './reference-laws.js';

/** Distances the response-drift analysis can compute, plus the chi-squared test. */
export type DriftMethod = DistanceMethod | 'chiSquared';

export const DEFAULT_DRIFT_METHODS: readonly DriftMethod[] = [
  'd1',
  'psi',
  'jensenShannon',
  'jensenShannonDivergence',
  'hellinger',
  'ksBinned',
  'wassersteinBinned',
  'chiSquared',
];

/** Alert level: calibrated to the window size (α), or a fixed cut-off on every distance. */
export type AlertLevel = { alpha: number } | { threshold: number };

export interface DriftMeasure {
  method: DriftMethod;
  /** the distance (for chiSquared: the statistic) */
  value: number;
  /** what `value` is compared with: the calibrated or fixed threshold (chiSquared: the α its p-value is compared with) */
  threshold: number;
  /** chiSquared only: the test's p-value */
  pValue?: number;
  alert: boolean;
}

export interface DriftInput {
  /** reference bucket counts or shares, OTel layout (bounds.length + 1 buckets) */
  reference: ArrayLike<number>;
  /** current window's bucket counts, same layout */
  current: ArrayLike<number>;
  /** explicit bucket bounds of the histogram */
  bounds: readonly number[];
  /** size of the reference sample when it is one (a pinned period, the previous window); omit for a profile */
  referenceN?: number;
}

/**
 * Response drift of one window: every method's distance between reference and current histograms,
 * with its alert threshold. With `{ alpha }` each threshold is the (1 − α) quantile of that distance
 * over windows of this size drawn from the reference (`nullThreshold`: its large-sample law for large
 * windows, exact simulation on the size grid for small ones), so an alert is a false alarm with
 * probability α at any window size; chi-squared alerts when its p-value is below α.
 */
export function responseDrift(
  input: DriftInput,
  methods: readonly DriftMethod[],
  level: AlertLevel,
): DriftMeasure[] {
  const n = sum(input.current);
  const distanceMethods = methods.filter((m): m is DistanceMethod => m !== 'chiSquared');
  let laws: ReferenceLaws | undefined;
  let values: number[] = [];
  if (distanceMethods.length > 0) {
    const edges = finiteEdges(input.bounds);
    laws = referenceLaws(input.reference, {
      edges,
      ...(input.referenceN === undefined ? {} : { referenceN: input.referenceN }),
    });
    // Both histograms turned into shares once for all the distances.
    values = laws.distances(distanceMethods, input.current);
  }
  let next = 0;
  return methods.map((method) => {
    if (method === 'chiSquared') return chiSquaredDrift(input, n, level);
    const value = values[next++] as number;
    if ('threshold' in level)
      return { method, value, threshold: level.threshold, alert: value > level.threshold };
    const threshold = (laws as ReferenceLaws).threshold(method, n, level.alpha);
    return { method, value, threshold, alert: value > threshold };
  });
}

/**
 * Pearson's test of the current counts against the reference: goodness of fit to the reference shares
 * when they come from a profile, homogeneity of the two samples when the reference is a sample. Buckets
 * empty in both are left out; a count where the reference has no mass makes the statistic infinite.
 */
function chiSquaredDrift(input: DriftInput, n: number, level: AlertLevel): DriftMeasure {
  const refTotal = sum(input.reference);
  let statistic = 0;
  let kept = 0;
  for (let i = 0; i < input.current.length; i++) {
    const o = input.current[i] as number;
    const r = input.reference[i] as number;
    if (o === 0 && r === 0) continue;
    kept++;
    if (input.referenceN === undefined) {
      const expected = (n * r) / refTotal;
      statistic += expected === 0 ? Number.POSITIVE_INFINITY : (o - expected) ** 2 / expected;
    } else {
      // Homogeneity on the 2 × k table of reference (scaled to referenceN) and current counts.
      const rc = (input.referenceN * r) / refTotal;
      const column = rc + o;
      const total = input.referenceN + n;
      const eRef = (column * input.referenceN) / total;
      const eCur = (column * n) / total;
      statistic += (rc - eRef) ** 2 / eRef + (o - eCur) ** 2 / eCur;
    }
  }
  const dof = Math.max(kept - 1, 1);
  const pValue = statistic === Number.POSITIVE_INFINITY ? 0 : chiSquaredSurvival(statistic, dof);
  // A fixed cut-off is about distances; the test keeps its conventional 5 % level then.
  const alpha = 'alpha' in level ? level.alpha : 0.05;
  return { method: 'chiSquared', value: statistic, threshold: alpha, pValue, alert: pValue < alpha };
}

/**
 * Finite edges for the OTel layout (−∞, b₀], (b₀, b₁], …, (bₘ, +∞): the two open buckets get the width
 * of their neighbour, so Wasserstein has midpoints to move mass between.
 */
export function finiteEdges(bounds: readonly number[]): readonly number[] {
  // The store hands out one bounds array per series for as long as it runs: the same edges every cycle,
  // so the laws keyed by them are found without rebuilding the key.
  let edges = edgesByBounds.get(bounds);
  if (!edges) {
    edges = edgesOf(bounds);
    edgesByBounds.set(bounds, edges);
  }
  return edges;
}

const edgesByBounds = new WeakMap<readonly number[], number[]>();

function edgesOf(bounds: readonly number[]): number[] {
  const first = bounds[0] as number;
  const last = bounds[bounds.length - 1] as number;
  const lowWidth = bounds.length > 1 ? (bounds[1] as number) - first : 1;
  const highWidth = bounds.length > 1 ? last - (bounds[bounds.length - 2] as number) : 1;
  return [first - lowWidth, ...bounds, last + highWidth];
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}
