import type { ModelReport } from '../analyse/report.js';
import { parseMonitorDuration } from './duration.js';
import type { MonitorSpec, MonitorStatus } from './types.js';
import { monitorValue, validateValuePath } from './value.js';

/** The state of one monitor of one model version after an evaluation: what `GET /api/alerts` lists. */
export interface MonitorState {
  model: string;
  version: string;
  /** `MonitorSpec.name`, `ml.monitor.name` */
  monitor: string;
  /** the window the value is read from */
  window: string;
  status: MonitorStatus;
  /** the watched value at the last evaluation; `null` when not available (never fires) */
  value: number | null;
  /** when the monitor entered its current status (ISO 8601) */
  since: string;
  /** when the condition started holding without interruption (ISO 8601); `null` while ok (Prometheus' `activeAt`) */
  activeAt: string | null;
  /** the condition in words, e.g. `share.reject > 0.3 for 15m` */
  condition: string;
  description: string;
  severity: 'warning' | 'critical';
  /** why the spec cannot be evaluated (it then stays ok) */
  error?: string;
}

/** One status change of a monitor. */
export interface MonitorTransition {
  /** ISO 8601 */
  at: string;
  from: MonitorStatus;
  to: MonitorStatus;
  value: number | null;
}

export interface MonitorHistory {
  model: string;
  version: string;
  monitor: string;
  transitions: MonitorTransition[];
}

export interface HistoryFilter {
  model?: string;
  version?: string;
  monitor?: string;
}

/** Transitions kept per monitor (oldest dropped first). */
export const HISTORY_LIMIT = 100;

/**
 * An error sentence when a spec cannot be evaluated, else `null`: a name, a valid value path, a window,
 * exactly one finite `above` / `below`, a Prometheus-style `for` duration, a known severity.
 */
export function validateMonitorSpec(spec: MonitorSpec): string | null {
  const who = `monitor ${JSON.stringify(spec?.name)}`;
  if (typeof spec?.name !== 'string' || spec.name.length === 0) return 'A monitor needs a non-empty name.';
  const pathError = validateValuePath(spec.value);
  if (pathError) return `${who}: ${pathError}`;
  if (typeof spec.window !== 'string' || spec.window.length === 0) return `${who} needs a window such as 1h.`;
  const hasAbove = spec.above !== undefined;
  const hasBelow = spec.below !== undefined;
  if (hasAbove === hasBelow) return `${who} needs exactly one of above or below.`;
  const threshold = hasAbove ? spec.above : spec.below;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    return `${who}: ${hasAbove ? 'above' : 'below'} must be a finite number.`;
  if (spec.for !== undefined && parseMonitorDuration(spec.for) === null)
    return `${who}: for must be a duration such as 15m or 1h30m, got ${JSON.stringify(spec.for)}.`;
  if (spec.severity !== undefined && spec.severity !== 'warning' && spec.severity !== 'critical')
    return `${who}: severity must be warning or critical, got ${JSON.stringify(spec.severity)}.`;
  return null;
}

/** `share.reject > 0.3 for 15m` */
export function describeCondition(spec: MonitorSpec): string {
  const op = spec.above !== undefined ? `> ${spec.above}` : `< ${spec.below}`;
  const hold = spec.for && parseMonitorDuration(spec.for) ? ` for ${spec.for}` : '';
  return `${spec.value} ${op} over ${spec.window}${hold}`;
}

interface Entry {
  state: MonitorState;
  transitions: MonitorTransition[];
}

const key = (...parts: string[]) => JSON.stringify(parts);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Evaluates monitors over analysis reports with Prometheus alerting semantics, keeping each monitor's
 * state between cycles:
 *
 * - condition true (value strictly above `above` / below `below`) → `pending`, then `firing` once it has
 *   held continuously for `for` (at once when `for` is 0 or absent);
 * - condition false → `ok` (a firing monitor resolves, a pending one starts over);
 * - value unknown (`null`: no report for the window, metric 0/0, feature without data) → treated like an
 *   absent series in Prometheus: the condition does not hold, so the monitor is `ok` and its `for` timer
 *   restarts. Unknown never fires; alert on missing data with a monitor on `predictions` or
 *   `holdout.coverage` instead;
 * - an invalid spec is never evaluated: it stays `ok` with `error` set.
 *
 * Pure apart from its own state: the clock is the `nowMs` argument, so a sequence of calls is
 * deterministic. Each monitor keeps its last {@link HISTORY_LIMIT} status transitions.
 */
export class MonitorEngine {
  readonly #entries = new Map<string, Entry>();

  /**
   * Evaluates `specs` of one model version against `reports` (any reports: those of this model, version
   * and the spec's window are used; the last one wins) at `nowMs`. Monitors of this model version that
   * are no longer in `specs` are forgotten. Returns the states in `specs` order.
   */
  evaluate(
    model: string,
    version: string,
    specs: readonly MonitorSpec[],
    reports: readonly ModelReport[],
    nowMs: number,
  ): MonitorState[] {
    const names = new Set(specs.map((s) => s.name));
    for (const [k, entry] of this.#entries) {
      const { state } = entry;
      if (state.model === model && state.version === version && !names.has(state.monitor))
        this.#entries.delete(k);
    }
    return specs.map((spec) => this.#evaluateOne(model, version, spec, reports, nowMs));
  }

  /**
   * Evaluates every model version that has a report in `reports` with its model's monitors, and forgets
   * model versions without reports (they left the store) — one call per analysis cycle. Returns every state.
   */
  evaluateAll(
    monitors: ReadonlyMap<string, { monitors?: readonly MonitorSpec[] | undefined }>,
    reports: readonly ModelReport[],
    nowMs: number,
  ): MonitorState[] {
    const versions = new Map<string, { model: string; version: string }>();
    for (const r of reports) versions.set(key(r.model, r.version), { model: r.model, version: r.version });
    for (const [k, { state }] of this.#entries) {
      if (!versions.has(key(state.model, state.version))) this.#entries.delete(k);
    }
    for (const { model, version } of versions.values()) {
      this.evaluate(model, version, monitors.get(model)?.monitors ?? [], reports, nowMs);
    }
    return this.statuses();
  }

  /** Current state of every monitor, firing first, then pending, then ok; by model, version, monitor. */
  statuses(): MonitorState[] {
    const rank: Record<MonitorStatus, number> = { firing: 0, pending: 1, ok: 2 };
    return [...this.#entries.values()]
      .map((e) => ({ ...e.state }))
      .sort(
        (a, b) =>
          rank[a.status] - rank[b.status] ||
          compare(a.model, b.model) ||
          compare(a.version, b.version) ||
          compare(a.monitor, b.monitor),
      );
  }

  /** Status transitions of the monitors matching `filter`, oldest first. */
  history(filter: HistoryFilter = {}): MonitorHistory[] {
    return [...this.#entries.values()]
      .filter(
        ({ state }) =>
          (filter.model === undefined || state.model === filter.model) &&
          (filter.version === undefined || state.version === filter.version) &&
          (filter.monitor === undefined || state.monitor === filter.monitor),
      )
      .map(({ state, transitions }) => ({
        model: state.model,
        version: state.version,
        monitor: state.monitor,
        transitions: transitions.map((t) => ({ ...t })),
      }))
      .sort(
        (a, b) => compare(a.model, b.model) || compare(a.version, b.version) || compare(a.monitor, b.monitor),
      );
  }

  #evaluateOne(
    model: string,
    version: string,
    spec: MonitorSpec,
    reports: readonly ModelReport[],
    nowMs: number,
  ): MonitorState {
    const k = key(model, version, spec.name);
    const error = validateMonitorSpec(spec);
    let value: number | null = null;
    let holds = false;
    if (error === null) {
      const report = reports.findLast(
        (r) => r.model === model && r.version === version && r.window === spec.window,
      );
      value = report ? monitorValue(report, spec.value) : null;
      if (value !== null)
        holds = spec.above !== undefined ? value > spec.above : value < (spec.below as number);
    }
    const forMs = error === null && spec.for !== undefined ? (parseMonitorDuration(spec.for) ?? 0) : 0;

    let entry = this.#entries.get(k);
    if (!entry) {
      entry = {
        state: {
          model,
          version,
          monitor: spec.name,
          window: spec.window,
          status: 'ok',
          value,
          since: iso(nowMs),
          activeAt: null,
          condition: '',
          description: '',
          severity: 'warning',
        },
        transitions: [],
      };
      this.#entries.set(k, entry);
    }
    const previous = entry.state;
    const activeAtMs = holds ? (previous.activeAt === null ? nowMs : Date.parse(previous.activeAt)) : null;
    const status: MonitorStatus =
      activeAtMs === null ? 'ok' : nowMs - activeAtMs >= forMs ? 'firing' : 'pending';
    const changed = status !== previous.status;
    if (changed) {
      entry.transitions.push({ at: iso(nowMs), from: previous.status, to: status, value });
      if (entry.transitions.length > HISTORY_LIMIT)
        entry.transitions.splice(0, entry.transitions.length - HISTORY_LIMIT);
    }
    const state: MonitorState = {
      model,
      version,
      monitor: spec.name,
      window: spec.window,
      status,
      value,
      since: changed ? iso(nowMs) : previous.since,
      activeAt: activeAtMs === null ? null : iso(activeAtMs),
      condition: error === null ? describeCondition(spec) : '',
      description: spec.description ?? '',
      severity: spec.severity === 'critical' ? 'critical' : 'warning',
      ...(error === null ? {} : { error }),
    };
    entry.state = state;
    return { ...state };
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
