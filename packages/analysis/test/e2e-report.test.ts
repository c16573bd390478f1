import { createModelMonitor } from '@modelpulse/otel';
import { buildProfile, createRandom, type Profile, wilson } from '@modelpulse/stats';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../src/analyse/report.js';
import { fetchReport, formatReport } from '../src/cli/report.js';
import { type RunningServer, startServer } from '../src/index.js';
import { CREDIT_CATEGORICAL, CREDIT_NUMERIC, creditData, type Row } from './datasets.js';

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
beforeAll(async () => {
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
});
afterAll(() => server.close());

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
    await send(resample(3000), 'c', 2, { version: '2', cut: 0.2 });
    const late = await report('2');
    expect(late.holdout?.outcomes).toBe(30 + 1500);
    expect(late.holdout?.metrics.precision.upper).toBeLessThan(healthyPrecision); // confirmed
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
