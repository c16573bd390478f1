import { createModelMonitor } from '@modelpulse/otel';
import { buildProfile, createRandom, type Profile, wilson } from '@modelpulse/stats';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelReport } from '../src/analyse/report.js';
import { fetchReport, formatReport } from '../src/cli/report.js';
import { type RunningServer, startServer } from '../src/index.js';
import { CREDIT_CATEGORICAL, CREDIT_NUMERIC, creditData, type Row } from './datasets.js';
import {
  asPrometheus,
  type EmittedPoint,
  type OtlpReceiver,
  parseScrape,
  seriesKey,
  startOtlpReceiver,
} from './reemitted.js';

const NUMERIC = CREDIT_NUMERIC;
const CATEGORICAL = CREDIT_CATEGORICAL;

/** A stand-in scoring rule (no trained model needed): a logistic function of two features. */
const score = (row: Row) =>
  1 /
  (1 +
    Math.exp(
      -(((row.Amount as number) / ((row.Price as number) || 1)) * 4 - 3 + (row.Records === 'yes' ? 1.5 : 0)),
    ));
const rows = creditData().filter((r) => r.Amount !== null && r.Price !== null);
const features = Object.fromEntries([
  ...NUMERIC.map((f) => [f, 'numeric' as const]),
  ...CATEGORICAL.map((f) => [f, 'categorical' as const]),
]);
const profile: Profile = buildProfile(
  rows.map((r) => ({ ...r, score: score(r) })),
  { features, label: 'Status', score: 'score' },
);

let server: RunningServer;
/** Where the analysis service's own OTLP exporter sends its re-emitted metrics. */
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The emitter reads the standard OTLP variables when it is created, as in production.
  vi.stubEnv('OTEL_METRICS_EXPORTER', 'otlp');
  vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', `${receiver.url}/v1/metrics`);
  vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'http/protobuf');
  vi.stubEnv('OTEL_METRIC_EXPORT_INTERVAL', '250');
  try {
    server = await startServer({
      port: 0,
      dbPath: ':memory:',
      models: {
        credit: {
          profile,
          positive: 'bad',
          alpha: 0.01,
          monitors: [
            {
              name: 'inputs-broken',
              description: 'upstream sends features we were not trained on',
              value: 'skew.alerts',
              window: '1h',
              above: 0,
              severity: 'critical',
            },
            {
              name: 'rejects-everyone',
              description: 'it rejects too many good customers',
              value: 'share.bad',
              window: '1h',
              above: 0.99,
            },
          ],
        },
      },
    });
  } finally {
    vi.unstubAllEnvs();
  }
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

/** Predictions sent per model version and predicted label, counted from the traffic itself. */
const predicted = new Map<string, Record<string, number>>();

async function send(
  traffic: Row[],
  instance: string,
  holdoutEvery: number,
  { version = '1', cut = 0.5 }: { version?: string; cut?: number } = {},
): Promise<{ tp: number; fp: number }> {
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${server.url}/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.instance.id': instance }),
    readers: [reader],
  });
  const monitor = createModelMonitor({
    model: { name: 'credit', version },
    profile,
    meter: provider.getMeter('credit-api'),
  });
  let tp = 0;
  let fp = 0;
  traffic.forEach((row, i) => {
    const s = score(row);
    const label = s > cut ? 'bad' : 'good';
    const counts = predicted.get(version) ?? {};
    counts[label] = (counts[label] ?? 0) + 1;
    predicted.set(version, counts);
    const holdout = i % holdoutEvery === 0;
    const inputs = Object.fromEntries([...NUMERIC, ...CATEGORICAL].map((f) => [f, row[f]]));
    monitor.recordPrediction({ score: s, label, features: inputs, holdout });
    if (holdout) {
      monitor.recordOutcome({ predicted: label, actual: row.Status as string, score: s, holdout: true });
      if (label === 'bad') row.Status === 'bad' ? tp++ : fp++;
    }
  });
  await reader.forceFlush();
  await provider.shutdown();
  return { tp, fp };
}

async function report(version = '1'): Promise<ModelReport> {
  const response = await fetch(`${server.url}/api/models/credit/report?window=1h&version=${version}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ModelReport;
}

/**
 * Analyses now and reads the results both ways the service re-emits them: a scrape of /metrics and the
 * first OTLP export of the new values to the local receiver. Both must hold exactly the same series.
 */
async function reemit(): Promise<EmittedPoint[]> {
  const since = Date.now();
  server.analyse();
  const scraped = parseScrape(await (await fetch(`${server.url}/metrics`)).text());
  const exported = await receiver.exportSince(since);
  expect(scraped.size).toBeGreaterThan(0);
  expect(Object.fromEntries(asPrometheus(exported))).toEqual(Object.fromEntries(scraped));
  return exported;
}

const pointsOf = (points: readonly EmittedPoint[], name: string, version: string, window = '1h') =>
  points.filter(
    (p) =>
      p.name === name && p.attributes['ml.model.version'] === version && p.attributes['ml.window'] === window,
  );

const single = (points: readonly EmittedPoint[], name: string, version: string) => {
  const [point, ...more] = pointsOf(points, name, version);
  expect(more).toEqual([]);
  return point?.value;
};

const FROM_REPORT =
  /^ml\.(drift\.(distance|p_value|threshold|alert)|skew\.(distance|threshold|alert)|holdout\.(precision|recall|f1)(\.lower|\.upper)?|holdout\.(coverage|outcomes))$/;

/**
 * The drift, skew and holdout series docs/metrics.md says a report becomes, built from the JSON report:
 * distances (chi-squared's p-value instead), thresholds and 0/1 alerts per method; skew distance and
 * threshold per feature and method, alert per feature; holdout estimates with bounds unless 0/0.
 */
function seriesOfReport(r: ModelReport): Map<string, number> {
  const base = { 'ml.model.name': r.model, 'ml.model.version': r.version, 'ml.window': r.window };
  const out = new Map<string, number>();
  const put = (name: string, value: number | null | undefined, extra: Record<string, string> = {}) => {
    if (typeof value === 'number' && Number.isFinite(value))
      out.set(seriesKey(name, { ...base, ...extra }), value);
  };
  for (const m of r.drift?.measures ?? []) {
    const method = { 'ml.drift.method': m.method };
    if (m.method === 'chiSquared') put('ml.drift.p_value', m.pValue, method);
    else put('ml.drift.distance', m.value, method);
    put('ml.drift.threshold', m.threshold, method);
    put('ml.drift.alert', m.alert ? 1 : 0, method);
  }
  for (const f of r.skew) {
    for (const m of f.measures) {
      const labels = { 'ml.feature.name': f.feature, 'ml.drift.method': m.method };
      put('ml.skew.distance', m.value, labels);
      put('ml.skew.threshold', m.threshold, labels);
    }
    put('ml.skew.alert', f.alert ? 1 : 0, { 'ml.feature.name': f.feature });
  }
  for (const metric of ['precision', 'recall', 'f1'] as const) {
    const e = r.holdout?.metrics[metric];
    if (!e || e.value === null) continue;
    put(`ml.holdout.${metric}`, e.value);
    put(`ml.holdout.${metric}.lower`, e.lower);
    put(`ml.holdout.${metric}.upper`, e.upper);
  }
  put('ml.holdout.coverage', r.holdout?.coverage);
  put('ml.holdout.outcomes', r.holdout?.outcomes);
  return out;
}

/** The re-emitted drift, skew and holdout series of the report's version and window are the report's. */
function expectReportSeries(points: readonly EmittedPoint[], r: ModelReport) {
  const emitted = points.filter(
    (p) =>
      FROM_REPORT.test(p.name) &&
      p.attributes['ml.model.version'] === r.version &&
      p.attributes['ml.window'] === r.window,
  );
  expect(Object.fromEntries(emitted.map((p) => [seriesKey(p.name, p.attributes), p.value]))).toEqual(
    Object.fromEntries(seriesOfReport(r)),
  );
}

/** `ml.monitor.status` per monitor of `version` (0 ok, 1 pending, 2 firing), checked against GET /api/alerts. */
async function monitorStatus(
  points: readonly EmittedPoint[],
  version: string,
): Promise<Record<string, number>> {
  const { monitors } = (await (await fetch(`${server.url}/api/alerts`)).json()) as {
    monitors: { model: string; version: string; monitor: string; window: string; status: string }[];
  };
  const code: Record<string, number> = { ok: 0, pending: 1, firing: 2 };
  const emitted = points.filter((p) => p.name === 'ml.monitor.status');
  expect(Object.fromEntries(emitted.map((p) => [seriesKey(p.name, p.attributes), p.value]))).toEqual(
    Object.fromEntries(
      monitors.map((m) => [
        seriesKey('ml.monitor.status', {
          'ml.model.name': m.model,
          'ml.model.version': m.version,
          'ml.window': m.window,
          'ml.monitor.name': m.monitor,
        }),
        code[m.status],
      ]),
    ),
  );
  return Object.fromEntries(
    emitted
      .filter((p) => p.attributes['ml.model.version'] === version)
      .map((p) => [p.attributes['ml.monitor.name'], p.value]),
  );
}

/** `ml.predictions` and `ml.prediction.share` of `version` over 1h are the counts of the labels sent. */
function expectLabelShares(points: readonly EmittedPoint[], version: string) {
  const counts = predicted.get(version) ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  expect(single(points, 'ml.predictions', version)).toBe(total);
  const shares = pointsOf(points, 'ml.prediction.share', version).map((p) => [
    p.attributes['ml.prediction.label'],
    p.value,
  ]);
  expect(Object.fromEntries(shares)).toEqual(
    Object.fromEntries(Object.entries(counts).map(([label, n]) => [label, n / total])),
  );
  expect(shares).toHaveLength(Object.keys(counts).length);
}

describe('report: the whole pipeline from @modelpulse/otel through OTLP to the analyses', () => {
  const random = createRandom(11);
  const resample = (n: number) =>
    Array.from({ length: n }, () => rows[Math.floor(random() * rows.length)] as Row);

  let healthyPrecision = Number.NaN;

  it('healthy traffic: no drift or skew alert, and holdout precision with its Wilson interval', async () => {
    const { tp, fp } = await send(resample(4000), 'a', 10);
    const r = await report();
    healthyPrecision = r.holdout?.metrics.precision.value ?? Number.NaN;
    expect(r.model).toBe('credit');
    expect(r.version).toBe('1');
    expect(r.reference).toEqual({ kind: 'profile' });
    expect(r.predictions).toBe(4000);
    expect(r.drift?.measures.filter((m) => m.alert)).toEqual([]);
    expect(r.skew.filter((s) => s.alert)).toEqual([]);
    expect(r.holdout?.confusion.tp).toBe(tp);
    expect(r.holdout?.confusion.fp).toBe(fp);
    expect(r.holdout?.metrics.precision.value).toBeCloseTo(tp / (tp + fp), 12);
    expect(r.holdout?.metrics.precision.lower).toBeCloseTo(wilson(tp, tp + fp, 0.99).lower, 12);
    expect(r.holdout?.coverage).toBe(1);

    // re-emitted on /metrics and over OTLP: the report's values, nothing firing
    const points = await reemit();
    expectReportSeries(points, r);
    expect(await monitorStatus(points, '1')).toEqual({ 'inputs-broken': 0, 'rejects-everyone': 0 });
    expect(pointsOf(points, 'ml.drift.alert', '1').map((p) => p.value)).toEqual(
      r.drift?.measures.map(() => 0),
    );
    expect(pointsOf(points, 'ml.skew.alert', '1').every((p) => p.value === 0)).toBe(true);
    expectLabelShares(points, '1');
  });

  it('an upstream incident: Income ×100 and renamed Home values rank first and alert', async () => {
    const broken = resample(3000).map((row) => ({
      ...row,
      Income: row.Income === null ? null : (row.Income as number) * 100,
      Home: row.Home === null ? null : `${row.Home}_v2`,
    }));
    await send(broken, 'b', 10);
    const r = await report();
    expect(
      r.skew
        .slice(0, 2)
        .map((s) => s.feature)
        .sort(),
    ).toEqual(['Home', 'Income']);
    expect(
      r.skew
        .filter((s) => s.alert)
        .map((s) => s.feature)
        .sort(),
    ).toEqual(['Home', 'Income']);

    // re-emitted: the two broken features have the largest skew distances, and the monitor fires
    const points = await reemit();
    expectReportSeries(points, r);
    const largest = new Map<string, number>();
    for (const p of pointsOf(points, 'ml.skew.distance', '1')) {
      const feature = p.attributes['ml.feature.name'] as string;
      largest.set(feature, Math.max(largest.get(feature) ?? 0, p.value));
    }
    expect(largest.size).toBe(NUMERIC.length + CATEGORICAL.length);
    const ranked = [...largest].sort((a, b) => b[1] - a[1]).map(([feature]) => feature);
    expect(ranked.slice(0, 2).sort()).toEqual(['Home', 'Income']);
    // per method too: the numeric methods rank Income first, the categorical one Home
    for (const method of new Set(
      pointsOf(points, 'ml.skew.distance', '1').map((p) => p.attributes['ml.drift.method']),
    )) {
      const top = pointsOf(points, 'ml.skew.distance', '1')
        .filter((p) => p.attributes['ml.drift.method'] === method)
        .sort((a, b) => b.value - a.value)[0];
      expect([method, top?.attributes['ml.feature.name']]).toEqual([
        method,
        method === 'lInfinity' ? 'Home' : 'Income',
      ]);
    }
    expect(await monitorStatus(points, '1')).toEqual({ 'inputs-broken': 2, 'rejects-everyone': 0 });
    expectLabelShares(points, '1');
  });

  it('prints the report as terminal tables (modelpulse report)', async () => {
    const text = formatReport(await fetchReport(server.url, 'credit', '1h', undefined, '1'));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^credit 1 · window 1h .* · 7000 predictions$/);
    const skewHeader = lines.findIndex((l) => l.startsWith('Training–serving skew'));
    // The two broken features are the first two rows of the skew table, both alerting.
    expect(
      lines
        .slice(skewHeader + 3, skewHeader + 5)
        .map((l) => l.trim().split(/\s+/)[0])
        .sort(),
    ).toEqual(['Home', 'Income']);
    expect(lines.slice(skewHeader + 3, skewHeader + 5).every((l) => l.endsWith('ALERT'))).toBe(true);
    expect(text).toMatch(/Holdout outcomes \(positive: bad; 700 outcomes, coverage 100.0 %\)/);
    await expect(fetchReport(server.url, 'nobody', '1h', undefined)).rejects.toThrow(
      /answered 404: No data for model "nobody"/,
    );
  });

  it('a precision drop (an over-eager release) is confirmed by the interval only once enough outcomes arrived', async () => {
    // Version 2 flags far more applications as bad: precision falls. Outcomes trickle in.
    await send(resample(60), 'c', 2, { version: '2', cut: 0.2 });
    const early = await report('2');
    expect(early.holdout?.outcomes).toBe(30);
    expect(early.holdout?.metrics.precision.upper).toBeGreaterThan(healthyPrecision); // not yet confirmed
    const earlyPoints = await reemit();
    expectReportSeries(earlyPoints, early);
    expect(single(earlyPoints, 'ml.holdout.precision.upper', '2')).toBeGreaterThan(healthyPrecision);
    await send(resample(3000), 'c', 2, { version: '2', cut: 0.2 });
    const late = await report('2');
    expect(late.holdout?.outcomes).toBe(30 + 1500);
    expect(late.holdout?.metrics.precision.upper).toBeLessThan(healthyPrecision); // confirmed

    // re-emitted: version 2's precision interval lies below version 1's precision; no monitor fires for it
    const points = await reemit();
    expectReportSeries(points, late);
    expectReportSeries(points, await report('1'));
    const v1 = single(points, 'ml.holdout.precision', '1') ?? Number.NaN;
    expect(single(points, 'ml.holdout.precision.upper', '2')).toBeLessThan(v1);
    expect(single(points, 'ml.holdout.precision.upper', '2')).toBeLessThan(healthyPrecision);
    expect(await monitorStatus(points, '2')).toEqual({ 'inputs-broken': 0, 'rejects-everyone': 0 });
    expectLabelShares(points, '2');
  });

  it('re-emits the analysis as OpenTelemetry metrics on /metrics', async () => {
    const reports = server.analyse();
    expect(reports.map((r) => `${r.version} ${r.window}`).sort()).toEqual([
      '1 1h',
      '1 24h',
      '1 7d',
      '2 1h',
      '2 24h',
      '2 7d',
    ]);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const income = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('ml_skew_alert{') &&
          l.includes('ml_feature_name="Income"') &&
          l.includes('ml_window="1h"'),
      );
    expect(income?.endsWith(' 1')).toBe(true);
    const precision = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('ml_holdout_precision{') &&
          l.includes('ml_window="24h"') &&
          l.includes('ml_model_version="1"'),
      );
    const reported = reports.find((r) => r.window === '24h' && r.version === '1')?.holdout?.metrics.precision
      .value;
    expect(Number(precision?.split(' ').at(-1))).toBeCloseTo(reported ?? Number.NaN, 12);
  });

  it('evaluates the stakeholder-fear monitors: the broken-inputs one fires, the other stays ok', async () => {
    server.analyse();
    const { alerts, monitors } = (await (await fetch(`${server.url}/api/alerts`)).json()) as {
      alerts: { monitor: string; status: string; version: string }[];
      monitors: { monitor: string; status: string; version: string }[];
    };
    expect(alerts.filter((a) => a.version === '1').map((a) => [a.monitor, a.status])).toEqual([
      ['inputs-broken', 'firing'],
    ]);
    expect(monitors.find((m) => m.monitor === 'rejects-everyone' && m.version === '1')?.status).toBe('ok');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const status = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('ml_monitor_status{') &&
          l.includes('ml_monitor_name="inputs-broken"') &&
          l.includes('ml_model_version="1"'),
      );
    expect(status?.endsWith(' 2')).toBe(true);
  });

  it('a bad baseline upload is a 400 naming the field; a good one is taken', async () => {
    const bad = await fetch(`${server.url}/api/models/other/baseline`, {
      method: 'PUT',
      body: JSON.stringify({ ...profile, version: 9 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/validateProfile: version must be 1/);
    const good = await fetch(`${server.url}/api/models/other/baseline`, {
      method: 'PUT',
      body: JSON.stringify(profile),
      headers: { 'content-type': 'application/json' },
    });
    expect(good.status).toBe(200);
  });
});
