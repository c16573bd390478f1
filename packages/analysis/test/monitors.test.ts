import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ModelReport } from '../src/analyse/report.js';
import { alertRoutes } from '../src/api/alerts.js';
import { createEmitter } from '../src/emit/index.js';
import {
  HISTORY_LIMIT,
  MonitorEngine,
  type MonitorSpec,
  monitorValue,
  parseMonitorDuration,
  validateMonitorSpec,
  validateValuePath,
} from '../src/monitors/index.js';

const estimate = (value: number | null, lower: number, upper: number) => ({ value, lower, upper });

function report(overrides: Partial<ModelReport> = {}): ModelReport {
  return {
    model: 'loan-rejection',
    version: '3',
    window: '1h',
    from: '2026-11-26T10:00:00.000Z',
    to: '2026-11-26T11:00:00.000Z',
    reference: { kind: 'profile' },
    predictions: 1000,
    labels: { reject: 250, approve: 750 },
    drift: {
      measures: [
        { method: 'd1', value: 0.25, threshold: 0.125, alert: true },
        { method: 'chiSquared', value: 31.5, threshold: 0.01, pValue: 0.0005, alert: false },
      ],
      movedBuckets: [],
    },
    skew: [
      {
        feature: 'loan.amount',
        type: 'numeric',
        n: 990,
        measures: [{ method: 'jensenShannon', value: 0.5, threshold: 0.0625, alert: true }],
        pValue: 0.001,
        unseenShare: 0.375,
        missingRate: 0.01,
        referenceMissingRate: 0.01,
        missingChanged: false,
        alert: true,
      },
      {
        feature: 'employment',
        type: 'categorical',
        n: 1000,
        measures: [{ method: 'lInfinity', value: 0.03125, threshold: 0.0625, alert: false }],
        pValue: 0.5,
        unseenShare: 0,
        missingRate: 0,
        referenceMissingRate: 0,
        missingChanged: false,
        alert: false,
      },
    ],
    holdout: {
      positive: 'reject',
      confusion: { tp: 30, fp: 10, fn: 10, tn: 50 },
      metrics: {
        precision: estimate(0.75, 0.5, 0.875),
        recall: estimate(0.75, 0.625, 0.875),
        f1: estimate(null, 0, 1),
        accuracy: estimate(0.8, 0.7, 0.9),
        baseRate: estimate(0.4, 0.3, 0.5),
      },
      outcomes: 100,
      unlabelled: 0,
      coverage: 0.5,
    },
    estimated: {
      predictions: 1000,
      expected: { tp: 200, fp: 50, fn: 60, tn: 690 },
      precision: 0.8,
      recall: null,
    },
    calibration: null,
    heuristics: [{ name: 'favourite_item_rank', count: 400, mean: 3.5 }],
    notes: [],
    ...overrides,
  };
}

describe('monitorValue', () => {
  const r = report();
  it.each([
    ['share.reject', 0.25],
    ['share.approve', 0.75],
    ['share.unknown', 0],
    ['predictions', 1000],
    ['drift.d1.value', 0.25],
    ['drift.d1.threshold', 0.125],
    ['drift.d1.alert', 1],
    ['drift.chiSquared.alert', 0],
    ['drift.chiSquared.value', 31.5],
    ['drift.psi.value', null],
    ['skew.alerts', 1],
    ['skew.loan.amount.pValue', 0.001],
    ['skew.loan.amount.unseenShare', 0.375],
    ['skew.employment.missingRate', 0],
    ['skew.nope.missingRate', null],
    ['holdout.precision.value', 0.75],
    ['holdout.precision.lower', 0.5],
    ['holdout.precision.upper', 0.875],
    ['holdout.accuracy.value', 0.8],
    ['holdout.baseRate.upper', 0.5],
    ['holdout.f1.value', null],
    ['holdout.f1.upper', null],
    ['holdout.coverage', 0.5],
    ['estimated.precision', 0.8],
    ['estimated.recall', null],
    ['heuristic.favourite_item_rank.mean', 3.5],
    ['heuristic.other.mean', null],
    ['bogus', null],
  ] as const)('%s → %s', (path, expected) => {
    expect(monitorValue(r, path)).toBe(expected);
  });

  it('is null when nothing is available', () => {
    const empty = report({
      predictions: 0,
      labels: {},
      drift: null,
      holdout: null,
      estimated: null,
      skew: [],
    });
    expect(monitorValue(empty, 'share.reject')).toBeNull();
    expect(monitorValue(empty, 'drift.d1.value')).toBeNull();
    expect(monitorValue(empty, 'holdout.precision.upper')).toBeNull();
    expect(monitorValue(empty, 'holdout.coverage')).toBeNull();
    expect(monitorValue(empty, 'estimated.precision')).toBeNull();
    expect(monitorValue(empty, 'skew.alerts')).toBe(0);
    expect(monitorValue(empty, 'predictions')).toBe(0);
  });

  it('validates paths with a sentence', () => {
    expect(validateValuePath('share.reject')).toBeNull();
    expect(validateValuePath('heuristic.a.b.mean')).toBeNull();
    expect(validateValuePath('holdout.precision.median')).toMatch(
      /^value "holdout\.precision\.median" .*expected one of/,
    );
    expect(validateValuePath('holdout.auc.value')).toMatch(/not a holdout metric/);
    expect(validateValuePath('share.')).toMatch(/names no label/);
    expect(validateValuePath('drift.d1')).toMatch(/\.value, \.threshold or \.alert/);
    expect(validateValuePath('latency')).toMatch(/not a known value path/);
  });

  it('validates specs and durations', () => {
    expect(parseMonitorDuration('15m')).toBe(900_000);
    expect(parseMonitorDuration('1h30m')).toBe(5_400_000);
    expect(parseMonitorDuration('0')).toBe(0);
    expect(parseMonitorDuration('15 minutes')).toBeNull();
    const ok: MonitorSpec = { name: 'a', value: 'predictions', window: '1h', below: 10 };
    expect(validateMonitorSpec(ok)).toBeNull();
    expect(validateMonitorSpec({ ...ok, above: 3 })).toMatch(/exactly one of above or below/);
    expect(validateMonitorSpec({ name: 'a', value: 'predictions', window: '1h' })).toMatch(/exactly one/);
    expect(validateMonitorSpec({ ...ok, for: '15 min' })).toMatch(/for must be a duration/);
    expect(validateMonitorSpec({ ...ok, value: 'nope' })).toMatch(/not a known value path/);
  });
});

const MIN = 60_000;
const T0 = Date.parse('2026-11-26T11:00:00.000Z');

/** The three monitors of the talk. */
const TALK: MonitorSpec[] = [
  {
    name: 'rejection-share',
    description: 'We reject too many good customers and lose sales.',
    value: 'share.reject',
    window: '1h',
    above: 0.3,
    for: '15m',
    severity: 'critical',
  },
  {
    name: 'holdout-precision',
    description: 'Precision on the holdout is confidently below 0.6.',
    value: 'holdout.precision.upper',
    window: '7d',
    below: 0.6,
  },
  {
    name: 'favourite-rank',
    value: 'heuristic.favourite_item_rank.mean',
    window: '24h',
    above: 5,
    for: '1h',
  },
];

const share = (reject: number) =>
  report({ window: '1h', labels: { reject, approve: 1000 - reject }, predictions: 1000 });

describe('MonitorEngine', () => {
  it('goes pending, fires after `for`, resolves, and records the transitions', () => {
    const engine = new MonitorEngine();
    const spec = [TALK[0] as MonitorSpec];
    const at = (minutes: number, reject: number) =>
      engine.evaluate('loan-rejection', '3', spec, [share(reject)], T0 + minutes * MIN)[0];

    expect(at(0, 250)).toMatchObject({ status: 'ok', value: 0.25, activeAt: null });
    expect(at(1, 400)).toMatchObject({
      status: 'pending',
      value: 0.4,
      since: '2026-11-26T11:01:00.000Z',
      activeAt: '2026-11-26T11:01:00.000Z',
      severity: 'critical',
      description: 'We reject too many good customers and lose sales.',
      condition: 'share.reject > 0.3 over 1h for 15m',
    });
    expect(at(15, 400)?.status).toBe('pending'); // held 14 minutes
    expect(at(16, 350)).toMatchObject({
      status: 'firing',
      since: '2026-11-26T11:16:00.000Z',
      activeAt: '2026-11-26T11:01:00.000Z',
    });
    expect(at(30, 350)).toMatchObject({ status: 'firing', since: '2026-11-26T11:16:00.000Z' });
    expect(at(31, 300)).toMatchObject({ status: 'ok', value: 0.3, activeAt: null }); // not strictly above
    // a new breach starts the `for` timer over
    expect(at(32, 500)?.status).toBe('pending');

    expect(engine.history({ monitor: 'rejection-share' })).toEqual([
      {
        model: 'loan-rejection',
        version: '3',
        monitor: 'rejection-share',
        transitions: [
          { at: '2026-11-26T11:01:00.000Z', from: 'ok', to: 'pending', value: 0.4 },
          { at: '2026-11-26T11:16:00.000Z', from: 'pending', to: 'firing', value: 0.35 },
          { at: '2026-11-26T11:31:00.000Z', from: 'firing', to: 'ok', value: 0.3 },
          { at: '2026-11-26T11:32:00.000Z', from: 'ok', to: 'pending', value: 0.5 },
        ],
      },
    ]);
  });

  it('an unknown value never fires and resets the timer', () => {
    const engine = new MonitorEngine();
    const spec = [TALK[0] as MonitorSpec];
    const eval_ = (minutes: number, reports: ModelReport[]) =>
      engine.evaluate('loan-rejection', '3', spec, reports, T0 + minutes * MIN)[0];
    expect(eval_(0, [share(400)])?.status).toBe('pending');
    expect(eval_(10, [share(400)])?.status).toBe('pending');
    expect(eval_(14, [report({ predictions: 0, labels: {} })])).toMatchObject({ status: 'ok', value: null });
    expect(eval_(20, [])).toMatchObject({ status: 'ok', value: null }); // no report for the window
    expect(eval_(21, [share(400)])).toMatchObject({
      status: 'pending',
      activeAt: '2026-11-26T11:21:00.000Z',
    });
  });

  it('fires at once without `for`, reads the spec window, and evaluates the talk monitors', () => {
    const engine = new MonitorEngine();
    const weekly = report({
      window: '7d',
      holdout: {
        ...(report().holdout as NonNullable<ModelReport['holdout']>),
        metrics: {
          ...(report().holdout as NonNullable<ModelReport['holdout']>).metrics,
          precision: estimate(0.4, 0.3, 0.55),
        },
      },
    });
    const daily = report({
      window: '24h',
      heuristics: [{ name: 'favourite_item_rank', count: 50, mean: 6.5 }],
    });
    const reports = [share(400), weekly, daily];
    const first = engine.evaluate('loan-rejection', '3', TALK, reports, T0);
    expect(first.map((s) => [s.monitor, s.status, s.value])).toEqual([
      ['rejection-share', 'pending', 0.4],
      ['holdout-precision', 'firing', 0.55],
      ['favourite-rank', 'pending', 6.5],
    ]);
    const later = engine.evaluate('loan-rejection', '3', TALK, reports, T0 + 60 * MIN);
    expect(later.map((s) => s.status)).toEqual(['firing', 'firing', 'firing']);
    // the 1h report's precision is fine, but the monitor reads the 7d window
    expect(
      engine.evaluate('loan-rejection', '3', TALK, [share(100)], T0 + 61 * MIN).map((s) => s.status),
    ).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps the last 100 transitions, forgets removed monitors and versions, reports invalid specs', () => {
    const engine = new MonitorEngine();
    const spec: MonitorSpec = { name: 'traffic', value: 'predictions', window: '1h', below: 500 };
    for (let i = 0; i < 130; i++) {
      engine.evaluate(
        'loan-rejection',
        '3',
        [spec],
        [report({ predictions: i % 2 ? 100 : 1000 })],
        T0 + i * MIN,
      );
    }
    const [h] = engine.history({ model: 'loan-rejection', version: '3', monitor: 'traffic' });
    expect(h?.transitions).toHaveLength(HISTORY_LIMIT);
    expect(h?.transitions.at(-1)).toMatchObject({ at: new Date(T0 + 129 * MIN).toISOString(), to: 'firing' });

    const bad = { name: 'bad', value: 'nope', window: '1h', above: 1 } as MonitorSpec;
    const [state] = engine.evaluate('loan-rejection', '3', [bad], [report()], T0);
    expect(state).toMatchObject({ status: 'ok', value: null });
    expect(state?.error).toMatch(/not a known value path/);
    expect(engine.statuses().map((s) => s.monitor)).toEqual(['bad']);

    const all = engine.evaluateAll(
      new Map([['loan-rejection', { monitors: TALK }]]),
      [share(400), report({ version: '4', window: '1h', labels: { reject: 100 } })],
      T0,
    );
    expect(all.map((s) => `${s.version}/${s.monitor}/${s.status}`)).toEqual([
      '3/rejection-share/pending',
      '3/favourite-rank/ok',
      '3/holdout-precision/ok',
      '4/favourite-rank/ok',
      '4/holdout-precision/ok',
      '4/rejection-share/ok',
    ]);
    expect(engine.evaluateAll(new Map(), [report({ version: '4' })], T0)).toEqual([]);
  });
});

describe('ml.monitor.status', () => {
  it('is exported as 0 / 1 / 2 next to the report gauges', async () => {
    const emitter = createEmitter({ otlpExporter: null });
    try {
      const engine = new MonitorEngine();
      const daily = report({
        window: '24h',
        heuristics: [{ name: 'favourite_item_rank', count: 50, mean: 6.5 }],
      });
      emitter.update([share(400)]);
      emitter.updateMonitors(engine.evaluate('loan-rejection', '3', TALK, [share(400), daily], T0));
      const text = await (await emitter.metricsHandler()()).text();
      const lines = text.split('\n');
      expect(lines).toContain('# TYPE ml_monitor_status gauge');
      const status = (monitor: string, window: string) =>
        lines.find((l) =>
          l.startsWith(
            `ml_monitor_status{ml_model_name="loan-rejection",ml_model_version="3",ml_window="${window}",ml_monitor_name="${monitor}"`,
          ),
        );
      expect(status('rejection-share', '1h')).toMatch(/ 1$/);
      expect(status('holdout-precision', '7d')).toMatch(/ 0$/);
      expect(status('favourite-rank', '24h')).toMatch(/ 1$/);
      expect(lines.some((l) => l.startsWith('ml_predictions{'))).toBe(true);
      emitter.updateMonitors([]);
      const after = await (await emitter.metricsHandler()()).text();
      expect(after).not.toContain('ml_monitor_status');
    } finally {
      await emitter.shutdown();
    }
  });
});

describe('GET /api/alerts', () => {
  const engine = new MonitorEngine();
  const weekly = report({ window: '7d' });
  engine.evaluate('loan-rejection', '3', TALK, [share(400), weekly], T0);
  engine.evaluate('loan-rejection', '3', TALK, [share(400), weekly], T0 + 20 * MIN);
  engine.evaluate(
    'recommender',
    '1',
    [TALK[2] as MonitorSpec],
    [
      report({
        model: 'recommender',
        version: '1',
        window: '24h',
        heuristics: [{ name: 'favourite_item_rank', count: 9, mean: 7 }],
      }),
    ],
    T0 + 20 * MIN,
  );
  const app = new Hono();
  app.route(
    '/api',
    alertRoutes(
      () => engine.statuses(),
      (filter) => engine.history(filter),
    ),
  );

  it('lists firing then pending alerts and every monitor', async () => {
    const response = await app.request('/api/alerts');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      alerts: { model: string; monitor: string; status: string; since: string }[];
      monitors: { monitor: string; status: string }[];
    };
    expect(body.alerts.map((a) => [a.model, a.monitor, a.status])).toEqual([
      ['loan-rejection', 'rejection-share', 'firing'],
      ['recommender', 'favourite-rank', 'pending'],
    ]);
    expect(body.alerts[0]?.since).toBe('2026-11-26T11:20:00.000Z');
    expect(body.monitors).toHaveLength(4);
    const only = (await (await app.request('/api/alerts?model=recommender')).json()) as {
      monitors: unknown[];
    };
    expect(only.monitors).toHaveLength(1);
  });

  it('serves the history per monitor', async () => {
    const response = await app.request('/api/alerts/history?model=loan-rejection&monitor=rejection-share');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      history: [
        {
          model: 'loan-rejection',
          version: '3',
          monitor: 'rejection-share',
          transitions: [
            { at: '2026-11-26T11:00:00.000Z', from: 'ok', to: 'pending', value: 0.4 },
            { at: '2026-11-26T11:20:00.000Z', from: 'pending', to: 'firing', value: 0.4 },
          ],
        },
      ],
    });
  });
});
