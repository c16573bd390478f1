/** The grammar of `MonitorSpec.value` (see its doc comment), checked before a monitor is accepted. */

const DRIFT_FIELDS = ['value', 'threshold', 'alert'] as const;
const SKEW_FIELDS = ['pValue', 'unseenShare', 'missingRate'] as const;
const HOLDOUT_METRICS = ['precision', 'recall', 'f1', 'accuracy', 'baseRate'] as const;
const HOLDOUT_FIELDS = ['value', 'lower', 'upper'] as const;
const ESTIMATED = ['precision', 'recall'] as const;

/** The paths a monitor can watch, as shown in error messages. */
export const MONITOR_VALUE_GRAMMAR =
  'share.<label>, predictions, drift.<method>.value|threshold|alert, skew.alerts, ' +
  'skew.<feature>.pValue|unseenShare|missingRate, holdout.<precision|recall|f1|accuracy|baseRate>.value|lower|upper, ' +
  'holdout.coverage, estimated.precision|recall, heuristic.<name>.mean';

/** What a well-formed value path refers to, for the checks that need the rest of the model's settings. */
export type MonitorValue =
  | { kind: 'share'; label: string }
  | { kind: 'predictions' }
  | { kind: 'drift'; method: string; field: (typeof DRIFT_FIELDS)[number] }
  | { kind: 'skew-alerts' }
  | { kind: 'skew'; feature: string; field: (typeof SKEW_FIELDS)[number] }
  | { kind: 'holdout'; metric: string; field: string }
  | { kind: 'coverage' }
  | { kind: 'estimated'; metric: string }
  | { kind: 'heuristic'; name: string };

/**
 * Parses a monitor's `value` path; a string is the reason it is not one. Labels, feature and heuristic
 * names may themselves contain dots: the field is always the last segment.
 */
export function parseMonitorValue(path: string): MonitorValue | string {
  const bad = `expected a value path (${MONITOR_VALUE_GRAMMAR}), got ${JSON.stringify(path)}`;
  const [head, ...rest] = path.split('.');
  const tail = rest.length > 0 ? (rest[rest.length - 1] as string) : undefined;
  const middle = rest.slice(0, -1).join('.');
  const has = <T extends string>(list: readonly T[], x: string | undefined): x is T =>
    x !== undefined && (list as readonly string[]).includes(x);
  switch (head) {
    case 'predictions':
      return rest.length === 0 ? { kind: 'predictions' } : bad;
    case 'share':
      return rest.length > 0 && rest.join('.') !== '' ? { kind: 'share', label: rest.join('.') } : bad;
    case 'drift':
      return middle !== '' && has(DRIFT_FIELDS, tail) ? { kind: 'drift', method: middle, field: tail } : bad;
    case 'skew':
      if (rest.length === 1 && tail === 'alerts') return { kind: 'skew-alerts' };
      return middle !== '' && has(SKEW_FIELDS, tail) ? { kind: 'skew', feature: middle, field: tail } : bad;
    case 'holdout':
      if (rest.length === 1 && tail === 'coverage') return { kind: 'coverage' };
      return rest.length === 2 && has(HOLDOUT_METRICS, middle) && has(HOLDOUT_FIELDS, tail)
        ? { kind: 'holdout', metric: middle, field: tail }
        : bad;
    case 'estimated':
      return rest.length === 1 && has(ESTIMATED, tail) ? { kind: 'estimated', metric: tail } : bad;
    case 'heuristic':
      return middle !== '' && tail === 'mean' ? { kind: 'heuristic', name: middle } : bad;
    default:
      return bad;
  }
}
