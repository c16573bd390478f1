import type { Attributes } from '@opentelemetry/api';
import type { ModelReport } from '../analyse/report.js';
import type { MonitorState } from '../monitors/evaluate.js';

/** One value of one gauge: its attributes (bounded, see below) and the number. */
export interface GaugePoint {
  attributes: Attributes;
  value: number;
}

/**
 * A gauge the emitter exports: name, unit, description, and how to read its points from one report.
 * Points with a value that is not a finite number are dropped, so `points` may pass `null` through.
 *
 * Extension point: a new result of the report is one more entry in {@link REPORT_GAUGES} reading its
 * field of the report — or a list of definitions passed as the emitter's `gauges` option. Monitor states
 * are not part of a report: they are fed separately ({@link monitorStatusPoints}, `Emitter.updateMonitors`).
 *
 * Every attribute value must come from a bounded set: model name and version, window name (from the
 * configuration), method names (a fixed list), feature names (from the baseline profile), predicted
 * labels (the profile's labels, or the first `limits.labels` seen, 20 by default: `@modelpulse/otel` folds
 * the rest into `__other__`) and heuristic names (chosen by the instrumenting code, like any metric
 * attribute). Never ids, raw values or free text.
 */
export interface GaugeDefinition {
  name: string;
  unit: string;
  description: string;
  points(report: ModelReport): readonly { attributes: Attributes; value: number | null | undefined }[];
}

/** `ml.model.name`, `ml.model.version`, `ml.window` of a report: on every point. */
export function reportAttributes(report: ModelReport): Attributes {
  return { 'ml.model.name': report.model, 'ml.model.version': report.version, 'ml.window': report.window };
}

const one = (report: ModelReport, value: number | null | undefined, extra: Attributes = {}) => [
  { attributes: { ...reportAttributes(report), ...extra }, value },
];

const flag = (b: boolean) => (b ? 1 : 0);

function gauge(
  name: string,
  description: string,
  points: GaugeDefinition['points'],
  unit = '1',
): GaugeDefinition {
  return { name, unit, description, points };
}

function driftPoints(
  report: ModelReport,
  pick: (m: NonNullable<ModelReport['drift']>['measures'][number]) => number | null | undefined,
) {
  return (report.drift?.measures ?? []).map((m) => ({
    attributes: { ...reportAttributes(report), 'ml.drift.method': m.method },
    value: pick(m),
  }));
}

type Skew = ModelReport['skew'][number];

function skewMeasurePoints(report: ModelReport, pick: (m: Skew['measures'][number]) => number) {
  return report.skew.flatMap((f) =>
    f.measures.map((m) => ({
      attributes: { ...reportAttributes(report), 'ml.feature.name': f.feature, 'ml.drift.method': m.method },
      value: pick(m),
    })),
  );
}

function skewFeaturePoints(report: ModelReport, pick: (f: Skew) => number) {
  return report.skew.map((f) => ({
    attributes: { ...reportAttributes(report), 'ml.feature.name': f.feature },
    value: pick(f),
  }));
}

/**
 * `ml.prediction.share` per predicted label: `labels[label] / predictions`, the value a `share.<label>`
 * monitor reads. None while the window has no prediction; predictions recorded without a label count in
 * the denominator but get no series of their own (an empty label value is no label in Prometheus).
 */
function labelSharePoints(report: ModelReport) {
  if (!(report.predictions > 0)) return [];
  return Object.entries(report.labels)
    .filter(([label]) => label !== '')
    .map(([label, count]) => ({
      attributes: { ...reportAttributes(report), 'ml.prediction.label': label },
      value: count / report.predictions,
    }));
}

type Estimate = 'precision' | 'recall' | 'f1';

/** `ml.holdout.<metric>` and its `.lower` / `.upper` interval bounds; all three absent while the value is null. */
function holdoutEstimate(metric: Estimate, label: string): GaugeDefinition[] {
  const read = (report: ModelReport, part: 'value' | 'lower' | 'upper') => {
    const estimate = report.holdout?.metrics[metric];
    if (!estimate || estimate.value === null) return [];
    return one(report, estimate[part]);
  };
  return [
    gauge(`ml.holdout.${metric}`, `${label} on the holdout slice, from true outcomes`, (r) =>
      read(r, 'value'),
    ),
    gauge(`ml.holdout.${metric}.lower`, `Lower bound of the holdout ${metric} confidence interval`, (r) =>
      read(r, 'lower'),
    ),
    gauge(`ml.holdout.${metric}.upper`, `Upper bound of the holdout ${metric} confidence interval`, (r) =>
      read(r, 'upper'),
    ),
  ];
}

/** Everything a {@link ModelReport} re-emits. Documented one by one in docs/metrics.md. */
export const REPORT_GAUGES: readonly GaugeDefinition[] = [
  gauge(
    'ml.predictions',
    'Predictions with a score in the window',
    (r) => one(r, r.predictions),
    '{prediction}',
  ),
  // The share of each predicted label, what a `share.<label>` monitor watches (e.g. the rejection share).
  gauge('ml.prediction.share', 'Share of the predictions in the window with this predicted label', (r) =>
    labelSharePoints(r),
  ),
  // Response drift. chiSquared is a test, not a distance: its p-value goes to ml.drift.p_value and its
  // threshold is the significance level α (alert when p_value < threshold); every other method's
  // distance goes to ml.drift.distance (alert when distance > threshold).
  gauge('ml.drift.distance', 'Distance between the reference and current score distributions', (r) =>
    driftPoints(r, (m) => (m.method === 'chiSquared' ? undefined : m.value)),
  ),
  gauge(
    'ml.drift.p_value',
    'p-value of the chi-squared test of the current scores against the reference',
    (r) => driftPoints(r, (m) => m.pValue),
  ),
  gauge(
    'ml.drift.threshold',
    'Alert threshold of the drift method: a distance, or for chiSquared the significance level α',
    (r) => driftPoints(r, (m) => m.threshold),
  ),
  gauge('ml.drift.alert', '1 when the drift method alerts in the window, else 0', (r) =>
    driftPoints(r, (m) => flag(m.alert)),
  ),
  // Training–serving skew, per profiled feature.
  gauge('ml.skew.distance', "Distance between a feature's training and live distributions", (r) =>
    skewMeasurePoints(r, (m) => m.value),
  ),
  gauge('ml.skew.threshold', 'Alert threshold of the skew distance for the window size', (r) =>
    skewMeasurePoints(r, (m) => m.threshold),
  ),
  gauge('ml.skew.p_value', "p-value of the feature's primary distance under no skew", (r) =>
    skewFeaturePoints(r, (f) => f.pValue),
  ),
  gauge('ml.skew.alert', '1 when the feature is skewed (Benjamini–Hochberg across features), else 0', (r) =>
    skewFeaturePoints(r, (f) => flag(f.alert)),
  ),
  gauge('ml.skew.unseen_share', 'Share of values outside the training range or known categories', (r) =>
    skewFeaturePoints(r, (f) => f.unseenShare),
  ),
  gauge('ml.skew.missing_rate', 'Share of missing values of the feature in the window', (r) =>
    skewFeaturePoints(r, (f) => f.missingRate),
  ),
  // Outcomes on the holdout slice.
  ...holdoutEstimate('precision', 'Precision'),
  ...holdoutEstimate('recall', 'Recall'),
  ...holdoutEstimate('f1', 'F1 score'),
  gauge('ml.holdout.coverage', 'Holdout outcomes received ÷ holdout predictions made', (r) =>
    one(r, r.holdout?.coverage),
  ),
  gauge(
    'ml.holdout.outcomes',
    'Holdout outcomes received in the window',
    (r) => one(r, r.holdout?.outcomes),
    '{outcome}',
  ),
  // Performance estimated from the scores alone.
  gauge('ml.estimated.precision', 'Precision estimated from the scores (assumes calibration)', (r) =>
    one(r, r.estimated?.precision),
  ),
  gauge('ml.estimated.recall', 'Recall estimated from the scores (assumes calibration)', (r) =>
    one(r, r.estimated?.recall),
  ),
  // Quality heuristics.
  gauge('ml.heuristic.mean', 'Mean of a quality heuristic over the window', (r) =>
    r.heuristics.map((h) => ({
      attributes: { ...reportAttributes(r), 'ml.heuristic.name': h.name },
      value: h.mean,
    })),
  ),
];

const STATUS_VALUE = { ok: 0, pending: 1, firing: 2 } as const;

/**
 * `ml.monitor.status`: 0 ok, 1 pending, 2 firing, per monitor of each model version. Fed by the monitor
 * engine's states (`Emitter.updateMonitors`), not by reports. Carries `ml.window` (the monitor's window)
 * like every re-emitted series, and `ml.monitor.name` (from the configuration: bounded).
 */
export const MONITOR_STATUS_GAUGE = {
  name: 'ml.monitor.status',
  unit: '1',
  description: 'Monitor status: 0 ok, 1 pending, 2 firing',
} as const;

/** Points of {@link MONITOR_STATUS_GAUGE}; the later of two states of the same monitor wins. */
export function monitorStatusPoints(states: readonly MonitorState[]): GaugePoint[] {
  const byKey = new Map<string, GaugePoint>();
  for (const s of states) {
    byKey.set(JSON.stringify([s.model, s.version, s.monitor]), {
      attributes: {
        'ml.model.name': s.model,
        'ml.model.version': s.version,
        'ml.window': s.window,
        'ml.monitor.name': s.monitor,
      },
      value: STATUS_VALUE[s.status],
    });
  }
  return [...byKey.values()];
}

/**
 * Points of every gauge for a set of reports. Non-finite values are dropped; when two reports share
 * model, version and window the later one wins, so no series appears twice.
 */
export function gaugePoints(
  definitions: readonly GaugeDefinition[],
  reports: readonly ModelReport[],
): Map<GaugeDefinition, GaugePoint[]> {
  const result = new Map<GaugeDefinition, GaugePoint[]>();
  for (const definition of definitions) {
    const byKey = new Map<string, GaugePoint>();
    for (const report of reports) {
      for (const { attributes, value } of definition.points(report)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        byKey.set(JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))), {
          attributes,
          value,
        });
      }
    }
    if (byKey.size > 0) result.set(definition, [...byKey.values()]);
  }
  return result;
}
