/**
 * A monitor turns a stakeholder fear or a quality heuristic into an alert: a rule over one value of a
 * model's report for one window, e.g. "rejection share above 0.3 for 15 minutes" or "upper bound of the
 * holdout precision below 0.6".
 */
export interface MonitorSpec {
  /** unique per model; becomes `ml.monitor.name` */
  name: string;
  /** the fear in words, shown in alerts */
  description?: string;
  /**
   * The watched value, a path into the window's report:
   * `share.<label>` (share of predictions with that label), `predictions`,
   * `drift.<method>.value` | `.threshold` | `.alert`, `skew.alerts` (features alerting),
   * `skew.<feature>.pValue` | `.unseenShare` | `.missingRate`,
   * `holdout.<precision|recall|f1|accuracy|baseRate>.value` | `.lower` | `.upper`, `holdout.coverage`,
   * `estimated.precision` | `estimated.recall`, `heuristic.<name>.mean`.
   */
  value: string;
  /** which of the model's windows the value is read from, e.g. `1h` */
  window: string;
  /** fires when the value is above this … */
  above?: number;
  /** … or below this (exactly one of the two) */
  below?: number;
  /** how long the condition must hold before the monitor fires (pending until then), e.g. `15m`; default 0 */
  for?: string;
  severity?: 'warning' | 'critical';
}

/** 0 ok, 1 pending, 2 firing: the values of `ml.monitor.status`. */
export type MonitorStatus = 'ok' | 'pending' | 'firing';
