import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createModelMonitor } from '@modelpulse/otel';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

const MODEL = { name: 'loan-rejection', version: '3' };
const UNIT_BUCKETS = 22; // boundaries 0, 0.05, …, 1 → 22 OTel buckets

/** Bucket index of a score in the OTel layout (upper-inclusive): 0 → 0, (0, 0.05] → 1, … */
const bucketOf = (score: number) => (score <= 0 ? 0 : score > 1 ? 21 : Math.ceil(score * 20 - 1e-12));

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, dbPath: ':memory:' });
});
afterAll(() => server.close());

/** One service instance: real SDK MeterProvider + exporter, recording through @modelpulse/otel. */
function instance(id: string, exporter: PushMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'loan-api', 'service.instance.id': id }),
    readers: [reader],
  });
  const monitor = createModelMonitor({ model: MODEL, meter: provider.getMeter('loan-api') });
  return { monitor, flush: () => reader.forceFlush(), shutdown: () => provider.shutdown() };
}

async function scoreSeries(): Promise<
  { attributes: Record<string, unknown>; count: number; sum: number; counts: number[] }[]
> {
  const response = await fetch(
    `${server.url}/api/models/loan-rejection/histograms?instrument=ml.prediction.score&window=1h`,
  );
  expect(response.status).toBe(200);
  return (
    (await response.json()) as {
      series: { attributes: Record<string, unknown>; count: number; sum: number; counts: number[] }[];
    }
  ).series;
}

/** Expected per label: count, sum and bucket counts of what the test recorded. */
function expectedFrom(recorded: { score: number; label: string }[]) {
  const byLabel = new Map<string, { count: number; sum: number; counts: number[] }>();
  for (const { score, label } of recorded) {
    const e = byLabel.get(label) ?? { count: 0, sum: 0, counts: new Array(UNIT_BUCKETS).fill(0) };
    e.count++;
    e.sum += score;
    e.counts[bucketOf(score)]++;
    byLabel.set(label, e);
  }
  return byLabel;
}

describe('ingest from real SDK exporters, summed exactly', () => {
  const recorded: { score: number; label: string }[] = [];
  const record = (monitor: ReturnType<typeof instance>['monitor'], score: number, label: string) => {
    monitor.recordPrediction({ score, label, holdout: false });
    recorded.push({ score, label });
  };

  it('merges two instances (JSON cumulative, protobuf delta), a restart and a retried export', async () => {
    // Instance a: OTLP/HTTP JSON, cumulative, exported twice (the second export repeats the first points).
    const a = instance('a', new JsonMetricExporter({ url: `${server.url}/v1/metrics` }));
    record(a.monitor, 0.1, 'approve');
    record(a.monitor, 0.5, 'approve');
    record(a.monitor, 0.82, 'reject');
    await a.flush();
    record(a.monitor, 0.3, 'approve');
    await a.flush();
    await a.shutdown();

    // Instance b: OTLP/HTTP protobuf with delta temporality.
    const b = instance(
      'b',
      new ProtoMetricExporter({
        url: `${server.url}/v1/metrics`,
        temporalityPreference: AggregationTemporality.DELTA,
      }),
    );
    record(b.monitor, 0.95, 'reject');
    record(b.monitor, 0.05, 'approve');
    await b.flush();
    record(b.monitor, 0.66, 'reject');
    await b.flush();
    await b.shutdown();

    // Instance a restarts: a new provider, the same instance id, a new start time (counter reset).
    const a2 = instance('a', new ProtoMetricExporter({ url: `${server.url}/v1/metrics` }));
    record(a2.monitor, 0.2, 'approve');
    await a2.flush();
    await a2.shutdown();

    // Instance c: one export captured on the wire and delivered twice, as an exporter retry would.
    const captured: Buffer[] = [];
    const capture = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        captured.push(Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    const c = instance(
      'c',
      new ProtoMetricExporter({
        url: `http://127.0.0.1:${(capture.address() as AddressInfo).port}/v1/metrics`,
      }),
    );
    record(c.monitor, 0.4, 'approve');
    await c.flush();
    await c.shutdown();
    capture.close();
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${server.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: captured[0] as Buffer,
      });
      expect(response.status).toBe(200);
    }

    const series = await scoreSeries();
    const expected = expectedFrom(recorded);
    expect(series.map((s) => s.attributes['ml.prediction.label']).sort()).toEqual(['approve', 'reject']);
    for (const s of series) {
      const e = expected.get(s.attributes['ml.prediction.label'] as string);
      expect(s.count).toBe(e?.count);
      expect(s.sum).toBeCloseTo(e?.sum ?? Number.NaN, 12);
      expect(s.counts).toEqual(e?.counts);
      expect(s.attributes).toMatchObject({
        'ml.model.name': 'loan-rejection',
        'ml.model.version': '3',
        'ml.holdout': false,
      });
    }
  });

  it('lists the model with its version and every instance', async () => {
    const response = await fetch(`${server.url}/api/models`);
    const { models } = (await response.json()) as {
      models: { name: string; versions: { version: string; instances: string[] }[] }[];
    };
    expect(models).toHaveLength(1);
    expect(models[0]?.name).toBe('loan-rejection');
    expect(models[0]?.versions.map((v) => [v.version, [...v.instances].sort()])).toEqual([
      ['3', ['a', 'b', 'c']],
    ]);
  });

  it('keeps holdout prediction and outcome spans sent over OTLP/HTTP protobuf', async () => {
    const tracerProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'loan-api' }),
      spanProcessors: [new SimpleSpanProcessor(new ProtoTraceExporter({ url: `${server.url}/v1/traces` }))],
    });
    const meterProvider = new MeterProvider();
    const monitor = createModelMonitor({
      model: MODEL,
      meter: meterProvider.getMeter('x'),
      tracer: tracerProvider.getTracer('loan-api'),
    });
    const predict = monitor.wrap((id: string) => ({ id, score: 0.7, label: 'reject', holdout: true }));
    predict('app-1');
    predict('app-2');
    monitor.recordOutcome({ predictionId: 'app-1', actual: 'approve', holdout: true });
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    const stored = server.store.predictionSpans({
      model: 'loan-rejection',
      ids: ['app-1', 'app-2', 'app-3'],
    });
    expect(stored.map((s: { predictionId: string }) => s.predictionId).sort()).toEqual(['app-1', 'app-2']);
    const outcomes = server.store.outcomeSpans({
      model: 'loan-rejection',
      fromMs: 0,
      toMs: Date.now() + 60_000,
    });
    expect(outcomes.map((o: { predictionId: string }) => o.predictionId)).toEqual(['app-1']);
  });
});
