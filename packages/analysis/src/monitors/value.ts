import type { ModelReport } from '../analyse/report.js';

const HOLDOUT_METRICS = ['precision', 'recall', 'f1', 'accuracy', 'baseRate'] as const;
const HOLDOUT_PARTS = ['value', 'lower', 'upper'] as const;
const DRIFT_PARTS = ['value', 'threshold', 'alert'] as const;
const SKEW_PARTS = ['pValue', 'unseenShare', 'missingRate'] as const;

type HoldoutMetric = (typeof HOLDOUT_METRICS)[number];
type HoldoutPart = (typeof HOLDOUT_PARTS)[number];
type DriftPart = (typeof DRIFT_PARTS)[number];
type SkewPart = (typeof SKEW_PARTS)[number];

/** A value path, parsed: the grammar of `MonitorSpec.value` as a union. */
export type ValuePath =
  | { kind: 'share'; label: string }
  | { kind: 'predictions' }
  | { kind: 'drift'; method: string; part: DriftPart }
  | { kind: 'skewAlerts' }
  | { kind: 'skew'; feature: string; part: SkewPart }
  | { kind: 'holdout'; metric: HoldoutMetric; part: HoldoutPart }
  | { kind: 'holdoutCoverage' }
  | { kind: 'estimated'; metric: 'precision' | 'recall' }
  | { kind: 'heuristic'; name: string };

const GRAMMAR =
  'share.<label>, predictions, drift.<method>.value|threshold|alert, skew.alerts, ' +
  'skew.<feature>.pValue|unseenShare|missingRate, ' +
  'holdout.<precision|recall|f1|accuracy|baseRate>.value|lower|upper, holdout.coverage, ' +
  'estimated.precision|recall, heuristic.<name>.mean';

const includes = <T extends string>(list: readonly T[], x: string): x is T =>
  (list as readonly string[]).includes(x);

/** The part between a prefix and a last segment, e.g. `income` in `skew.income.pValue`; names may contain dots. */
function middle(path: string, prefix: string): { name: string; last: string } | null {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return null;
  return { name: rest.slice(0, dot), last: rest.slice(dot + 1) };
}

/** Parses a value path, or returns an error sentence naming the grammar. */
export function parseValuePath(path: string): ValuePath | string {
  const fail = (why: string) => `value ${JSON.stringify(path)} ${why}; expected one of ${GRAMMAR}.`;
  if (typeof path !== 'string' || path.length === 0) return fail('is empty');
  if (path === 'predictions') return { kind: 'predictions' };
  if (path === 'skew.alerts') return { kind: 'skewAlerts' };
  if (path === 'holdout.coverage') return { kind: 'holdoutCoverage' };
  if (path === 'estimated.precision') return { kind: 'estimated', metric: 'precision' };
  if (path === 'estimated.recall') return { kind: 'estimated', metric: 'recall' };
  if (path.startsWith('share.')) {
    const label = path.slice('share.'.length);
    return label ? { kind: 'share', label } : fail('names no label');
  }
  const root = path.split('.')[0];
  if (root === 'drift') {
    const m = middle(path, 'drift.');
    if (!m || !includes(DRIFT_PARTS, m.last)) return fail('does not end in .value, .threshold or .alert');
    return { kind: 'drift', method: m.name, part: m.last };
  }
  if (root === 'skew') {
    const m = middle(path, 'skew.');
    if (!m || !includes(SKEW_PARTS, m.last))
      return fail('does not end in .pValue, .unseenShare or .missingRate');
    return { kind: 'skew', feature: m.name, part: m.last };
  }
  if (root === 'holdout') {
    const m = middle(path, 'holdout.');
    if (!m || !includes(HOLDOUT_METRICS, m.name) || !includes(HOLDOUT_PARTS, m.last))
      return fail(
        'is not a holdout metric (precision, recall, f1, accuracy, baseRate) with .value, .lower or .upper',
      );
    return { kind: 'holdout', metric: m.name, part: m.last };
  }
  if (root === 'heuristic') {
    const m = middle(path, 'heuristic.');
    if (m?.last !== 'mean') return fail('does not end in .mean');
    return { kind: 'heuristic', name: m.name };
  }
  return fail('is not a known value path');
}

/** An error sentence when `path` is not a valid monitor value path, else `null` (for the config validator). */
export function validateValuePath(path: string): string | null {
  const parsed = parseValuePath(path);
  return typeof parsed === 'string' ? parsed : null;
}

const finite = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;
const flag = (b: boolean) => (b ? 1 : 0);

/**
 * The number a value path reads from a report, or `null` when it is not available: an invalid path, a
 * share with no predictions, no drift reference, a feature or heuristic without data in the window, a
 * holdout metric that is 0/0 (its bounds too, as the emitter does), no coverage count, no estimate.
 * Booleans (`drift.<method>.alert`) are 0 or 1; `share.<label>` is `labels[label] / predictions` (0 for a
 * label never predicted while there were predictions); `skew.alerts` counts the skewed features.
 */
export function monitorValue(report: ModelReport, path: string): number | null {
  const p = parseValuePath(path);
  if (typeof p === 'string') return null;
  switch (p.kind) {
    case 'predictions':
      return finite(report.predictions);
    case 'share':
      return report.predictions > 0 ? finite((report.labels[p.label] ?? 0) / report.predictions) : null;
    case 'drift': {
      const m = report.drift?.measures.find((x) => x.method === p.method);
      if (!m) return null;
      return p.part === 'alert' ? flag(m.alert) : finite(m[p.part]);
    }
    case 'skewAlerts':
      return report.skew.filter((f) => f.alert).length;
    case 'skew':
      return finite(report.skew.find((f) => f.feature === p.feature)?.[p.part]);
    case 'holdout': {
      const estimate = report.holdout?.metrics[p.metric];
      if (!estimate || estimate.value === null) return null;
      return finite(estimate[p.part]);
    }
    case 'holdoutCoverage':
      return finite(report.holdout?.coverage);
    case 'estimated':
      return finite(report.estimated?.[p.metric]);
    case 'heuristic':
      return finite(report.heuristics.find((h) => h.name === p.name)?.mean);
  }
}
