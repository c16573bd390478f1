import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelReport } from '../src/analyse/report.js';
import { createEmitter, EMIT_SCOPE, type Emitter, otlpExporterFromEnv } from '../src/emit/index.js';

const estimate = (value: number | null, lower: number, upper: number) => ({ value, lower, upper });

function loanReport(): ModelReport {
  return {
    model: 'loan-rejection',
    version: '3',
    window: '1h',
    from: '2026-11-26T10:00:00.000Z',
    to: '2026-11-26T11:00:00.000Z',
    reference: { kind: 'profile' },
    predictions: 1200,
    labels: { reject: 300, approve: 900 },
    drift: {
      measures: [
        { method: 'd1', value: 0.25, threshold: 0.125, alert: true },
        { method: 'psi', value: 0.04, threshold: 0.1, alert: false },
        { method: 'chiSquared', value: 31.5, threshold: 0.01, pValue: 0.0005, alert: true },
      ],
      movedBuckets: [],
    },
    skew: [
      {
        feature: 'income',
        type: 'numeric',
        n: 1190,
        measures: [
          { method: 'jensenShannon', value: 0.5, threshold: 0.0625, alert: true },
          { method: 'psi', value: 1.75, threshold: 0.25, alert: true },
        ],
        pValue: 0,
        unseenShare: 0.375,
        missingRate: 0.0078125,
        referenceMissingRate: 0.01,
        missingChanged: false,
        alert: true,
      },
      {
        feature: 'employment',
        type: 'categorical',
        n: 1200,
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
        f1: estimate(0.75, 0.5625, 0.875),
        accuracy: estimate(0.8, 0.7, 0.9),
        baseRate: estimate(0.4, 0.3, 0.5),
      },
      outcomes: 100,
      unlabelled: 0,
      coverage: 0.5,
    },
    estimated: {
      predictions: 1200,
      expected: { tp: 300, fp: 100, fn: 60, tn: 740 },
      precision: 0.75,
      recall: null,
    },
    calibration: null,
    heuristics: [{ name: 'manual_review_rate', count: 1200, mean: 0.125 }],
    notes: [],
  };
}

/** A second model with no outcomes yet: every holdout metric is null. */
function churnReport(): ModelReport {
  return {
    model: 'churn',
    version: '2026-11-01',
    window: '24h',
    from: '2026-11-25T11:00:00.000Z',
    to: '2026-11-26T11:00:00.000Z',
    reference: {
      kind: 'previous-window',
      from: '2026-11-24T11:00:00.000Z',
      to: '2026-11-25T11:00:00.000Z',
      predictions: 500,
    },
    predictions: 480,
    labels: { reject: 120, approve: 360 },
    drift: { measures: [{ method: 'd1', value: 0.0625, threshold: 0.2, alert: false }], movedBuckets: [] },
    skew: [],
    holdout: {
      positive: 'churn',
      confusion: { tp: 0, fp: 0, fn: 0, tn: 0 },
      metrics: {
        precision: estimate(null, 0, 1),
        recall: estimate(null, 0, 1),
        f1: estimate(null, 0, 1),
        accuracy: estimate(null, 0, 1),
        baseRate: estimate(null, 0, 1),
      },
      outcomes: 0,
      unlabelled: 0,
      coverage: null,
    },
    estimated: null,
    calibration: null,
    heuristics: [],
    notes: [],
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a text exposition (no escapes in our label values). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Unparseable exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) {
        labels[key as string] = value as string;
      }
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}

const emitters: Emitter[] = [];
const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(emitters.splice(0).map((e) => e.shutdown()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function emitter(): Emitter {
  const e = createEmitter({ otlpExporter: null });
  emitters.push(e);
  return e;
}

async function scrape(e: Emitter): Promise<{ text: string; contentType: string | null }> {
  const app = new Hono();
  app.get('/metrics', e.metricsHandler());
  const response = await app.request('/metrics');
  expect(response.status).toBe(200);
  return { text: await response.text(), contentType: response.headers.get('content-type') };
}

const scope = `otel_scope_name="${EMIT_SCOPE}",otel_scope_version="0.1.0"`;
const loan = 'ml_model_name="loan-rejection",ml_model_version="3",ml_window="1h"';

describe('Prometheus /metrics', () => {
  it('serves the latest reports in the text exposition format', async () => {
    const e = emitter();
    e.update([loanReport(), churnReport()]);
    const { text, contentType } = await scrape(e);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    const lines = text.split('\n');
    expect(lines).toContain('# TYPE ml_drift_distance gauge');
    expect(lines).toContain(`ml_drift_distance{${loan},ml_drift_method="d1",${scope}} 0.25`);
    expect(lines).toContain(`ml_drift_threshold{${loan},ml_drift_method="chiSquared",${scope}} 0.01`);
    expect(lines).toContain(`ml_drift_p_value{${loan},ml_drift_method="chiSquared",${scope}} 0.0005`);
    expect(lines).toContain(`ml_drift_alert{${loan},ml_drift_method="psi",${scope}} 0`);
    expect(lines).toContain(
      `ml_skew_distance{${loan},ml_feature_name="income",ml_drift_method="jensenShannon",${scope}} 0.5`,
    );
    expect(lines).toContain(`ml_skew_alert{${loan},ml_feature_name="income",${scope}} 1`);
    expect(lines).toContain(`ml_holdout_precision_lower{${loan},${scope}} 0.5`);
    expect(lines).toContain(
      `ml_heuristic_mean{${loan},ml_heuristic_name="manual_review_rate",${scope}} 0.125`,
    );
    // 300 rejections and 900 approvals among loan's 1200 predictions; 120 and 360 among churn's 480
    expect(lines).toContain('# TYPE ml_prediction_share gauge');
    expect(lines).toContain(`ml_prediction_share{${loan},ml_prediction_label="reject",${scope}} 0.25`);
    expect(lines).toContain(`ml_prediction_share{${loan},ml_prediction_label="approve",${scope}} 0.75`);

    const samples = parseExposition(text);
    const values = (name: string, model?: string) =>
      samples
        .filter((s) => s.name === name && (!model || s.labels.ml_model_name === model))
        .map((s) => s.value);
    // chiSquared is a test, not a distance: no ml_drift_distance series for it, and no p-value for d1
    expect(
      samples.filter((s) => s.name === 'ml_drift_distance').map((s) => s.labels.ml_drift_method),
    ).toEqual(['d1', 'psi', 'd1']);
    expect(samples.filter((s) => s.name === 'ml_drift_p_value')).toHaveLength(1);
    expect(values('ml_predictions', 'churn')).toEqual([480]);
    expect(
      samples
        .filter((s) => s.name === 'ml_prediction_share' && s.labels.ml_model_name === 'churn')
        .map((s) => [s.labels.ml_prediction_label, s.value]),
    ).toEqual([
      ['reject', 0.25],
      ['approve', 0.75],
    ]);
    expect(values('ml_holdout_outcomes')).toEqual([100, 0]);
    // null values are skipped: churn has no precision yet, loan has no estimated recall, no coverage for churn
    expect(values('ml_holdout_precision', 'churn')).toEqual([]);
    expect(values('ml_holdout_precision_upper', 'churn')).toEqual([]);
    expect(values('ml_holdout_coverage')).toEqual([0.5]);
    expect(values('ml_estimated_precision')).toEqual([0.75]);
    expect(samples.some((s) => s.name === 'ml_estimated_recall')).toBe(false);
    expect(values('ml_holdout_f1_upper', 'loan-rejection')).toEqual([0.875]);
    // every ml series carries model, version and window
    for (const s of samples.filter((s) => s.name.startsWith('ml_'))) {
      expect(Object.keys(s.labels)).toEqual(
        expect.arrayContaining(['ml_model_name', 'ml_model_version', 'ml_window', 'otel_scope_name']),
      );
    }
    const target = samples.find((s) => s.name === 'target_info');
    expect(target?.labels.service_name).toBe('modelpulse-analysis');
  });

  it.runIf(existsSync('/usr/bin/promtool'))('passes promtool check metrics', async () => {
    const e = emitter();
    e.update([loanReport(), churnReport()]);
    const check = (text: string) => {
      const result = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    };
    check((await scrape(e)).text);
    e.update([]);
    check((await scrape(e)).text);
  });
  if (!existsSync('/usr/bin/promtool')) {
    it.skip('passes promtool check metrics — skipped: /usr/bin/promtool absent (apt-get install prometheus)', () => {});
  }

  it('emits a share per predicted label: none without predictions, none for unlabelled predictions', async () => {
    const e = emitter();
    const unlabelled = loanReport();
    // 8 predictions: 2 recorded without a label (grouped under ""), 6 rejections
    unlabelled.predictions = 8;
    unlabelled.labels = { '': 2, reject: 6 };
    const empty = churnReport();
    empty.predictions = 0;
    empty.labels = {};
    e.update([unlabelled, empty]);
    const shares = parseExposition((await scrape(e)).text).filter((s) => s.name === 'ml_prediction_share');
    expect(shares.map((s) => [s.labels.ml_model_name, s.labels.ml_prediction_label, s.value])).toEqual([
      ['loan-rejection', 'reject', 0.75],
    ]);
  });

  it('replaces every value on update: a feature or model that disappeared leaves no stale series', async () => {
    const e = emitter();
    e.update([loanReport(), churnReport()]);
    await scrape(e);
    const next = loanReport();
    next.skew = next.skew.filter((f) => f.feature !== 'income');
    next.drift = {
      measures: [{ method: 'd1', value: 0.0625, threshold: 0.125, alert: false }],
      movedBuckets: [],
    };
    next.heuristics = [];
    next.predictions = 1000;
    next.labels = { approve: 1000 };
    e.update([next]);
    const samples = parseExposition((await scrape(e)).text);
    const ml = samples.filter((s) => s.name.startsWith('ml_'));
    // a label no longer predicted leaves no stale share behind
    expect(
      ml.filter((s) => s.name === 'ml_prediction_share').map((s) => [s.labels.ml_prediction_label, s.value]),
    ).toEqual([['approve', 1]]);
    expect(ml.some((s) => s.labels.ml_feature_name === 'income')).toBe(false);
    expect(ml.some((s) => s.labels.ml_model_name === 'churn')).toBe(false);
    expect(ml.some((s) => s.name === 'ml_heuristic_mean' || s.name === 'ml_drift_p_value')).toBe(false);
    expect(
      ml.filter((s) => s.name === 'ml_drift_distance').map((s) => [s.labels.ml_drift_method, s.value]),
    ).toEqual([['d1', 0.0625]]);
    expect(ml.filter((s) => s.name === 'ml_skew_alert').map((s) => s.labels.ml_feature_name)).toEqual([
      'employment',
    ]);

    e.update([]);
    const empty = parseExposition((await scrape(e)).text);
    expect(empty.filter((s) => s.name.startsWith('ml_'))).toEqual([]);
  });
});

interface JsonAttribute {
  key: string;
  value: { stringValue?: string };
}
interface JsonMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: { attributes: JsonAttribute[]; asDouble?: number }[] };
}
interface JsonRequest {
  resourceMetrics: {
    resource: { attributes: JsonAttribute[] };
    scopeMetrics: { scope: { name: string; version?: string }; metrics: JsonMetric[] }[];
  }[];
}

/** An OTLP/HTTP receiver on 127.0.0.1:0 collecting decoded JSON requests. */
async function otlpReceiver(): Promise<{ url: string; requests: JsonRequest[] }> {
  const requests: JsonRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      expect(req.url).toBe('/v1/metrics');
      expect(req.headers['content-type']).toMatch(/application\/json/);
      requests.push(JSON.parse(body.toString('utf8')) as JsonRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const attrs = (attributes: JsonAttribute[]) =>
  Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue]));

function points(request: JsonRequest, name: string) {
  const metric = request.resourceMetrics
    .flatMap((r) => r.scopeMetrics)
    .flatMap((s) => s.metrics)
    .find((m) => m.name === name);
  return (metric?.gauge?.dataPoints ?? []).map((p) => ({
    attributes: attrs(p.attributes),
    value: p.asDouble,
  }));
}

describe('OTLP export', () => {
  it('is configured by the standard environment and exports the gauges with scope @modelpulse/analysis', async () => {
    const { url, requests } = await otlpReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', url);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_METRIC_EXPORT_INTERVAL', '3600000');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.instance.id=analysis-1');
    const e = createEmitter();
    emitters.push(e);
    e.update([loanReport(), churnReport()]);
    await e.forceFlush();

    expect(requests).toHaveLength(1);
    const request = requests[0] as JsonRequest;
    const [resourceMetrics] = request.resourceMetrics;
    expect(attrs(resourceMetrics?.resource.attributes ?? [])).toMatchObject({
      'service.name': 'modelpulse-analysis',
      'service.instance.id': 'analysis-1',
    });
    const scopes = resourceMetrics?.scopeMetrics.filter((s) => s.metrics.length > 0) ?? [];
    expect(scopes.map((s) => s.scope.name)).toEqual([EMIT_SCOPE]);
    const names = scopes[0]?.metrics.map((m) => m.name) ?? [];
    expect(names).toEqual(
      expect.arrayContaining([
        'ml.predictions',
        'ml.prediction.share',
        'ml.drift.distance',
        'ml.drift.threshold',
        'ml.drift.p_value',
        'ml.drift.alert',
        'ml.skew.distance',
        'ml.skew.alert',
        'ml.holdout.precision',
        'ml.holdout.precision.lower',
        'ml.holdout.precision.upper',
        'ml.holdout.recall',
        'ml.holdout.f1',
        'ml.holdout.coverage',
        'ml.holdout.outcomes',
        'ml.estimated.precision',
        'ml.heuristic.mean',
      ]),
    );
    expect(names).not.toContain('ml.estimated.recall');
    expect(scopes[0]?.metrics.find((m) => m.name === 'ml.drift.distance')?.unit).toBe('1');

    const loanAttributes = { 'ml.model.name': 'loan-rejection', 'ml.model.version': '3', 'ml.window': '1h' };
    expect(points(request, 'ml.drift.distance')).toEqual([
      { attributes: { ...loanAttributes, 'ml.drift.method': 'd1' }, value: 0.25 },
      { attributes: { ...loanAttributes, 'ml.drift.method': 'psi' }, value: 0.04 },
      {
        attributes: {
          'ml.model.name': 'churn',
          'ml.model.version': '2026-11-01',
          'ml.window': '24h',
          'ml.drift.method': 'd1',
        },
        value: 0.0625,
      },
    ]);
    expect(points(request, 'ml.skew.distance')).toContainEqual({
      attributes: { ...loanAttributes, 'ml.feature.name': 'income', 'ml.drift.method': 'psi' },
      value: 1.75,
    });
    expect(points(request, 'ml.holdout.recall')).toEqual([{ attributes: loanAttributes, value: 0.75 }]);
    expect(scopes[0]?.metrics.find((m) => m.name === 'ml.prediction.share')?.unit).toBe('1');
    expect(points(request, 'ml.prediction.share')).toEqual([
      { attributes: { ...loanAttributes, 'ml.prediction.label': 'reject' }, value: 300 / 1200 },
      { attributes: { ...loanAttributes, 'ml.prediction.label': 'approve' }, value: 900 / 1200 },
      {
        attributes: {
          'ml.model.name': 'churn',
          'ml.model.version': '2026-11-01',
          'ml.window': '24h',
          'ml.prediction.label': 'reject',
        },
        value: 120 / 480,
      },
      {
        attributes: {
          'ml.model.name': 'churn',
          'ml.model.version': '2026-11-01',
          'ml.window': '24h',
          'ml.prediction.label': 'approve',
        },
        value: 360 / 480,
      },
    ]);

    // the next export carries the replaced values only
    const next = loanReport();
    next.skew = [];
    e.update([next]);
    await e.forceFlush();
    const second = requests[1] as JsonRequest;
    expect(points(second, 'ml.skew.distance')).toEqual([]);
    expect(points(second, 'ml.drift.distance').map((p) => p.attributes['ml.model.name'])).toEqual([
      'loan-rejection',
      'loan-rejection',
    ]);
  });

  it('is off without an endpoint or with OTEL_METRICS_EXPORTER=none', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', '');
    expect(otlpExporterFromEnv()).toBeUndefined();
    vi.stubEnv('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'http://127.0.0.1:4318/v1/metrics');
    expect(otlpExporterFromEnv()).toBeDefined();
    vi.stubEnv('OTEL_METRICS_EXPORTER', 'none');
    expect(otlpExporterFromEnv()).toBeUndefined();
  });
});
