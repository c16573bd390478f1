import { OTHER_CATEGORY, type Profile } from '@modelpulse/stats';
import type { MonitorSpec } from '../monitors/types.js';
import type { HistogramAggregate, JoinableOutcomes, Store } from '../store/index.js';
import { DEFAULT_DRIFT_METHODS, type DriftMethod, responseDrift } from './drift.js';
import { calibration, estimatedPerformance, type ScoreHistogram } from './estimated.js';
import { holdoutOutcomes, type OutcomeCount } from './outcomes.js';
import { counters, histograms, sameBounds, sumHistograms, type WindowScope } from './read-window.js';
import type { ModelReport } from './report.js';
import { type FeatureSkew, type FeatureWindow, trainingServingSkew } from './skew.js';
import { referenceWindowSkew } from './window-skew.js';

export interface ModelSettings {
  profile?: Profile;
  /** label counted as positive for precision / recall; default: the profile's rarer label class */
  positive?: string;
  /** level of every calibrated threshold and test; default 0.01 */
  alpha?: number;
  driftMethods?: readonly DriftMethod[];
  /**
   * Windows analysed for this model (config `windows`); default: the service's windows
   * (`DEFAULT_WINDOWS`).
   */
  windows?: readonly { name: string; ms: number }[];
  /**
   * Drift reference (config `reference`): the profile, the previous window of the same length, or a
   * pinned period. Default: the profile when it has a score histogram with the recorded buckets, else
   * the previous window.
   */
  reference?: ReferenceSetting;
  /**
   * Fixed alert threshold on every drift distance (config `drift.threshold`) instead of thresholds
   * calibrated at `alpha`.
   */
  driftThreshold?: number;
  /** α of the training–serving skew tests (config `skew.alpha`); default `alpha`. */
  skewAlpha?: number;
  /**
   * Holdout predictions count toward outcome coverage only once older than this (config
   * `holdout.maturity`), so outcomes still on their way do not read as missing; default 0.
   */
  holdoutMaturityMs?: number;
  /** The model's monitors (config `monitors`), evaluated on its window reports. */
  monitors?: readonly MonitorSpec[];
}

/** Where a model's drift reference comes from; see `ModelSettings.reference`. */
export type ReferenceSetting =
  | { kind: 'profile' }
  | { kind: 'previous-window' }
  | { kind: 'pinned'; from: string; to: string; fromMs: number; toMs: number };

const SCORE = 'ml.prediction.score';
const LABEL = 'ml.prediction.label';
const HOLDOUT = 'ml.holdout';

/**
 * Analyses one model version over one window of stored telemetry: response drift against the profile
 * (or, without one, the previous window of the same length), training–serving skew per feature, holdout
 * outcomes with the id join, estimated performance, calibration, heuristics.
 */
export function analyseWindow(
  store: Store,
  model: string,
  version: string,
  window: { name: string; ms: number },
  nowMs: number,
  settings: ModelSettings = {},
): ModelReport {
  const { profile, alpha = 0.01, driftMethods = DEFAULT_DRIFT_METHODS } = settings;
  const scope: WindowScope = { store, model, version, fromMs: nowMs - window.ms, toMs: nowMs + 1 };
  const notes: string[] = [];
  const positive = settings.positive ?? rarerClass(profile);

  const scoreSeries = histograms(scope, SCORE);
  const { groups: all, skipped } = sumHistograms(scoreSeries);
  if (skipped > 0) notes.push(`${skipped} score series with other bucket bounds were left out.`);
  const current = all.get('');
  const predictions = current?.count ?? 0;

  let reference: ModelReport['reference'] = { kind: 'profile' };
  let drift: ModelReport['drift'] = null;
  if (current && current.count > 0) {
    let referenceCounts: number[] | undefined;
    let referenceN: number | undefined;
    const wanted = settings.reference?.kind ?? 'profile';
    if (wanted === 'profile' && profile?.score && sameBounds(profile.score.boundaries, current.bounds)) {
      referenceCounts = profile.score.shares;
    } else {
      const { period, pinned } = referencePeriod(scope, window.ms, settings);
      const before = sumHistograms(histograms(period, SCORE)).groups.get('');
      if (!pinned && wanted === 'profile') {
        notes.push(
          profile?.score
            ? 'The profile’s score buckets differ from the recorded ones: drift against the previous window.'
            : 'No profile score histogram: drift against the previous window.',
        );
      }
      reference = {
        kind: pinned ? 'pinned' : 'previous-window',
        from: iso(period.fromMs),
        to: iso(period.toMs),
        predictions: before?.count ?? 0,
      };
      if (before && before.count > 0 && sameBounds(before.bounds, current.bounds)) {
        referenceCounts = before.counts;
        referenceN = before.count;
      } else
        notes.push(
          `No predictions in the reference period (${reference.from} → ${reference.to}): no drift reference.`,
        );
    }
    if (referenceCounts) {
      const measures = responseDrift(
        {
          reference: referenceCounts,
          current: current.counts,
          bounds: current.bounds,
          ...(referenceN === undefined ? {} : { referenceN }),
        },
        driftMethods,
        settings.driftThreshold === undefined ? { alpha } : { threshold: settings.driftThreshold },
      );
      drift = { measures, movedBuckets: movedBuckets(store, scope, referenceCounts, current) };
    }
  }

  let skew: FeatureSkew[];
  if (profile) skew = trainingServingSkew(profile, featureWindows(scope), settings.skewAlpha ?? alpha);
  else {
    const { period } = referencePeriod(scope, window.ms, settings);
    skew = referenceWindowSkew(
      featureWindows(scope, true),
      featureWindows(period, true),
      settings.skewAlpha ?? alpha,
    );
    notes.push(
      `No profile: training–serving skew is measured against live traffic (${iso(period.fromMs)} → ${iso(period.toMs)}) instead of the training data.`,
    );
  }

  const outcomeCounts = joinedOutcomes(scope, counters(scope, 'ml.outcome'));
  // Coverage compares outcomes with the holdout predictions old enough for theirs to have arrived.
  const maturity = settings.holdoutMaturityMs ?? 0;
  const matured =
    maturity === 0
      ? scoreSeries
      : histograms(
          { ...scope, fromMs: scope.fromMs - maturity, toMs: scope.toMs - maturity, movesWithMs: scope.toMs },
          SCORE,
        );
  const holdoutScores = matured
    .filter((s) => s.attributes[HOLDOUT] === true)
    .reduce((a, s) => a + s.count, 0);
  const holdout =
    positive === undefined
      ? null
      : holdoutOutcomes(outcomeCounts, positive, {
          confidence: 1 - alpha,
          holdoutPredictions: holdoutScores,
        });
  if (positive === undefined)
    notes.push('No positive label known (no profile label, none configured): no outcome metrics.');

  const byLabel = [...sumHistograms(scoreSeries, LABEL).groups].map(
    ([label, h]): ScoreHistogram => ({ label, ...h }),
  );
  const estimated =
    positive === undefined || byLabel.length === 0 ? null : estimatedPerformance(byLabel, positive, profile);
  const outcomeScores = [
    ...sumHistograms(
      histograms(scope, 'ml.outcome.score').filter((s) => s.attributes[HOLDOUT] === true),
      'ml.outcome.label',
    ).groups,
  ].map(([label, h]): ScoreHistogram => ({ label, ...h }));
  const calibrationResult =
    positive === undefined || outcomeScores.length === 0
      ? null
      : calibration(outcomeScores, positive, 1 - alpha);

  // Means need only count and sum, so every heuristic series counts, with or without buckets.
  const heuristicTotals = new Map<string, { count: number; sum: number }>();
  for (const h of histograms(scope, 'ml.heuristic')) {
    const name = String(h.attributes['ml.heuristic.name'] ?? '');
    const t = heuristicTotals.get(name) ?? { count: 0, sum: 0 };
    heuristicTotals.set(name, { count: t.count + h.count, sum: t.sum + h.sum });
  }
  const heuristics = [...heuristicTotals].map(([name, t]) => ({
    name,
    count: t.count,
    mean: t.count > 0 ? t.sum / t.count : 0,
  }));

  return {
    model,
    version,
    window: window.name,
    from: iso(scope.fromMs),
    to: iso(nowMs),
    reference,
    predictions,
    labels: Object.fromEntries(byLabel.map((h) => [h.label, h.count])),
    drift,
    skew,
    holdout,
    estimated,
    calibration: calibrationResult,
    heuristics,
    notes,
  };
}

/**
 * The reference period when the reference is live traffic: the pinned period when one is configured, else
 * the previous window of the same length (which moves with this one).
 */
function referencePeriod(
  scope: WindowScope,
  windowMs: number,
  settings: ModelSettings,
): { period: WindowScope; pinned: boolean } {
  const pinned = settings.reference?.kind === 'pinned' ? settings.reference : undefined;
  return pinned
    ? { period: { ...scope, fromMs: pinned.fromMs, toMs: pinned.toMs }, pinned: true }
    : {
        period: { ...scope, fromMs: scope.fromMs - windowMs, toMs: scope.fromMs, movesWithMs: scope.toMs },
        pinned: false,
      };
}

/**
 * Feature windows as the skew analysis wants them, summed over every other attribute; with `raw`, also
 * the raw values a service without a profile records (`ml.feature.value`), by feature with its own bounds.
 */
function featureWindows(scope: WindowScope, raw = false): Map<string, FeatureWindow> {
  const out = new Map<string, FeatureWindow>();
  const entry = (name: string) => {
    let w = out.get(name);
    if (!w) {
      w = { missing: 0 };
      out.set(name, w);
    }
    return w;
  };
  for (const [name, h] of sumHistograms(histograms(scope, 'ml.feature.quantile'), 'ml.feature.name').groups)
    entry(name).quantileCounts = h.counts;
  for (const c of counters(scope, 'ml.feature.category')) {
    const w = entry(String(c.attributes['ml.feature.name']));
    const category = String(c.attributes['ml.feature.category'] ?? OTHER_CATEGORY);
    const counts: Record<string, number> = (w.categoryCounts as Record<string, number> | undefined) ?? {};
    counts[category] = (counts[category] ?? 0) + c.value;
    w.categoryCounts = counts;
  }
  for (const c of counters(scope, 'ml.feature.missing'))
    entry(String(c.attributes['ml.feature.name'])).missing += c.value;
  if (raw) {
    const byFeature = new Map<string, HistogramAggregate[]>();
    for (const h of histograms(scope, 'ml.feature.value')) {
      const name = String(h.attributes['ml.feature.name']);
      const series = byFeature.get(name);
      if (series) series.push(h);
      else byFeature.set(name, [h]);
    }
    for (const [name, series] of byFeature) {
      const summed = sumHistograms(series).groups.get('');
      if (!summed) continue;
      const w = entry(name);
      w.valueCounts = summed.counts;
      w.valueBounds = summed.bounds;
    }
  }
  return out;
}

/**
 * `ml.outcome` counts, with outcomes that arrived without the predicted label (the caller only had the
 * prediction id) given it from the stored holdout prediction span when the id join finds one.
 */
function joinedOutcomes(
  scope: WindowScope,
  series: { attributes: Record<string, unknown>; value: number }[],
): OutcomeCount[] {
  const counts: OutcomeCount[] = series.map((s) => ({
    ...(s.attributes[LABEL] === undefined ? {} : { predicted: String(s.attributes[LABEL]) }),
    actual: String(s.attributes['ml.outcome.label']),
    holdout: s.attributes[HOLDOUT] === true,
    count: s.value,
  }));
  const window = { model: scope.model, version: scope.version, fromMs: scope.fromMs, toMs: scope.toMs };
  const joinable = scope.store.joinableOutcomes(window);
  if (joinable.length === 0) return counts;
  if (movedAsCounted(counts, joinable)) return counts;
  // More joinable outcomes than counted unlabelled (spans and counters disagree): one at a time, the
  // earliest first, as far as the counts go.
  const unlabelled = scope.store.unlabelledOutcomes(window);
  const predictions = new Map(
    scope.store
      .predictionSpans({ model: scope.model, ids: unlabelled.map((o) => o.predictionId) })
      .map((p) => [p.predictionId, p]),
  );
  for (const o of unlabelled) {
    const label = predictions.get(o.predictionId)?.label;
    if (label === null || label === undefined) continue;
    // Move one outcome from the unlabelled cell to its joined cell.
    const from = counts.find(
      (c) => c.predicted === undefined && c.actual === o.outcomeLabel && c.holdout && c.count > 0,
    );
    if (!from) continue;
    from.count--;
    counts.push({ predicted: label, actual: o.outcomeLabel, holdout: true, count: 1 });
  }
  return counts;
}

/**
 * Moves the joinable outcomes out of the unlabelled cells of their outcome label into cells of their
 * prediction's label, when the unlabelled counts hold them all (as when spans and counters agree); else
 * changes nothing and answers false. Each is taken from the first unlabelled cell with some left, as the
 * one-at-a-time join does, so the cells come out the same.
 */
function movedAsCounted(counts: OutcomeCount[], joinable: readonly JoinableOutcomes[]): boolean {
  const cells = (actual: string) =>
    counts.filter((c) => c.predicted === undefined && c.actual === actual && c.holdout);
  const wanted = new Map<string, number>();
  for (const j of joinable) wanted.set(j.actual, (wanted.get(j.actual) ?? 0) + j.count);
  for (const [actual, n] of wanted) {
    if (cells(actual).reduce((a, c) => a + c.count, 0) < n) return false;
  }
  for (const j of joinable) {
    let left = j.count;
    for (const c of cells(j.actual)) {
      const taken = Math.min(left, c.count);
      c.count -= taken;
      left -= taken;
      if (left === 0) break;
    }
    counts.push({ predicted: j.predicted, actual: j.actual, holdout: true, count: j.count });
  }
  return true;
}

/** Exemplar trace ids shown per moved bucket: the newest ones. */
const EXEMPLARS_PER_BUCKET = 10;

function movedBuckets(
  store: Store,
  scope: WindowScope,
  reference: readonly number[],
  current: { count: number; bounds: number[]; counts: number[] },
): NonNullable<ModelReport['drift']>['movedBuckets'] {
  const refTotal = reference.reduce((a, b) => a + b, 0);
  const moved = current.counts
    .map((c, i) => ({ i, referenceShare: (reference[i] ?? 0) / refTotal, currentShare: c / current.count }))
    .sort((a, b) => Math.abs(b.currentShare - b.referenceShare) - Math.abs(a.currentShare - a.referenceShare))
    .slice(0, 3);
  const exemplars = store.recentExemplars({
    model: scope.model,
    version: scope.version,
    scoreBuckets: moved.map((m) => m.i),
    fromMs: scope.fromMs,
    toMs: scope.toMs,
    limit: EXEMPLARS_PER_BUCKET,
  });
  return moved.map(({ i, referenceShare, currentShare }) => ({
    lower: i === 0 ? null : (current.bounds[i - 1] as number),
    upper: i === current.bounds.length ? null : (current.bounds[i] as number),
    referenceShare,
    currentShare,
    exemplars: exemplars.filter((e) => e.scoreBucket === i).map((e) => e.traceId),
  }));
}

function rarerClass(profile: Profile | undefined): string | undefined {
  const classes = Object.entries(profile?.label?.classes ?? {});
  if (classes.length !== 2) return undefined;
  return classes.sort((a, b) => a[1] - b[1])[0]?.[0];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
