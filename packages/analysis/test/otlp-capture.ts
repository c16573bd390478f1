/**
 * Test helpers for the OTLP decoders: a local HTTP endpoint that captures what the real OpenTelemetry
 * exporters send, the recording scenarios both OTLP tests share, and a tiny protobuf writer for
 * hand-made edge cases.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createModelMonitor } from '@modelpulse/otel';
import {
  type HrTime,
  type Attributes as OtelAttributes,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
} from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  DataPointType,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics as SdkResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Attributes, Metric, MetricsRequest, Span, TracesRequest } from '../src/receive/model.js';

export type Format = 'protobuf' | 'json';

export interface Captured {
  path: string;
  contentType: string;
  body: Uint8Array;
}

/** An OTLP/HTTP endpoint on 127.0.0.1 that keeps every request body (un-gzipped) and answers 200. */
export async function startCapture(): Promise<{ url: string; received: Captured[]; close(): Promise<void> }> {
  const received: Captured[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const contentType = request.headers['content-type'] ?? '';
    received.push({ path: request.url ?? '', contentType, body: new Uint8Array(body) });
    response.writeHead(200, { 'content-type': contentType }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Collects on demand, so the test holds both what the SDK produced and what the exporter sent. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export const RESOURCE_ATTRIBUTES = {
  'service.name': 'loan-service',
  'service.instance.id': 'c0ffee00-1111-4222-8333-444455556666',
  'deployment.environment.name': 'test',
  'host.cpu.count': 8,
  'loan.fraction': 0.25,
  'feature.enabled': true,
  'build.tags': ['a', 'b'],
};

export const LATENCY_BOUNDS = [0.01, 0.05, 0.1, 0.5, 1];

interface ExportResult {
  code: number;
  error?: Error;
}

function exportWith<T>(exporter: { export(items: T, done: (r: ExportResult) => void): void }, items: T) {
  return new Promise<void>((resolve, reject) =>
    exporter.export(items, (result) => (result.code === 0 ? resolve() : reject(result.error))),
  );
}

export interface MetricsCapture {
  /** One exported body per collection, with the SDK's own view of the same collection. */
  exports: { body: Uint8Array; contentType: string; sdk: SdkResourceMetrics }[];
}

/**
 * Records known values through a MeterProvider (plain instruments and @modelpulse/otel's monitor) and
 * exports two collections through the real OTLP metric exporter of `format`.
 */
export async function recordMetrics(
  format: Format,
  temporality: 'delta' | 'cumulative',
): Promise<MetricsCapture> {
  const capture = await startCapture();
  const Exporter = format === 'protobuf' ? ProtoMetricExporter : JsonMetricExporter;
  const exporter = new Exporter({
    url: `${capture.url}/v1/metrics`,
    temporalityPreference:
      temporality === 'delta'
        ? AggregationTemporalityPreference.DELTA
        : AggregationTemporalityPreference.CUMULATIVE,
  });
  const reader = new ManualReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    readers: [reader],
    views: [
      { instrumentName: 'test.exponential', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const exports: MetricsCapture['exports'] = [];
  try {
    const meter = provider.getMeter('capture-test', '1.2.3');
    const latency = meter.createHistogram('test.latency', {
      unit: 's',
      description: 'request latency',
      advice: { explicitBucketBoundaries: LATENCY_BOUNDS },
    });
    const requests = meter.createCounter('test.requests', { unit: '{request}', valueType: ValueType.INT });
    const queue = meter.createUpDownCounter('test.queue', { valueType: ValueType.INT });
    const load = meter.createGauge('test.load', { unit: '1' });
    const exponential = meter.createHistogram('test.exponential');
    const monitor = createModelMonitor({ model: { name: 'loan-rejection', version: '3' }, meter });

    for (const value of [0.005, 0.02, 0.03, 0.7, 3]) latency.record(value, { route: '/predict' });
    requests.add(5, { route: '/predict', ok: true });
    requests.add(2, { route: '/health', ok: true });
    queue.add(4);
    queue.add(-6);
    load.record(0.75, { core: 1 });
    exponential.record(12);
    monitor.recordPrediction({ score: 0.82, label: 'reject', holdout: false });
    monitor.recordPrediction({ score: 0.1, label: 'accept', holdout: false });
    monitor.recordPrediction({ score: 0.12, label: 'accept', holdout: true });
    exports.push(await collectAndExport(reader, exporter, capture.received));

    latency.record(0.07, { route: '/predict' });
    requests.add(1, { route: '/predict', ok: true });
    monitor.recordPrediction({ score: 0.83, label: 'reject', holdout: false });
    exports.push(await collectAndExport(reader, exporter, capture.received));
  } finally {
    await provider.shutdown();
    await exporter.shutdown();
    await capture.close();
  }
  return { exports };
}

async function collectAndExport(
  reader: MetricReader,
  exporter: ProtoMetricExporter | JsonMetricExporter,
  received: Captured[],
): Promise<MetricsCapture['exports'][number]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  const before = received.length;
  await exportWith(exporter, resourceMetrics);
  const captured = received[before];
  if (!captured || received.length !== before + 1) throw new Error('expected exactly one export request');
  if (captured.path !== '/v1/metrics') throw new Error(`unexpected path ${captured.path}`);
  return { body: captured.body, contentType: captured.contentType, sdk: resourceMetrics };
}

export interface TracesCapture {
  body: Uint8Array;
  contentType: string;
  spans: ReadableSpan[];
}

/** A parent span with a child, a span made by the monitor's `wrap`, then one export of them all. */
export async function recordSpans(format: Format): Promise<TracesCapture> {
  const capture = await startCapture();
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const Exporter = format === 'protobuf' ? ProtoTraceExporter : JsonTraceExporter;
  const exporter = new Exporter({ url: `${capture.url}/v1/traces` });
  try {
    const tracer = provider.getTracer('capture-test', '4.5.6');
    const parent = tracer.startSpan('POST /predict', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': '/predict',
        'http.status_code': 500,
        'retry.ratio': 0.5,
        'cache.hit': false,
      },
    });
    const context = trace.setSpan(ROOT_CONTEXT, parent);
    const child = tracer.startSpan(
      'GET credit-agency',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'peer.service': 'agency', tags: ['x', 'y'], big: 2 ** 60, 'ml.holdout': true },
        links: [{ context: parent.spanContext(), attributes: { why: 'test' } }],
      },
      context,
    );
    child.addEvent('retry', { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'agency timed out' });
    child.end();
    parent.setStatus({ code: SpanStatusCode.OK });
    parent.end();
    const monitor = createModelMonitor({ model: { name: 'loan-rejection', version: '3' }, tracer });
    monitor.wrap(() => ({ id: 'application-17', score: 0.91, label: 'reject', holdout: false }))();
    const spans = memory.getFinishedSpans();
    await exportWith(exporter, spans);
    const captured = capture.received[0];
    if (!captured || capture.received.length !== 1) throw new Error('expected exactly one export request');
    return { body: captured.body, contentType: captured.contentType, spans };
  } finally {
    await provider.shutdown();
    await exporter.shutdown();
    await capture.close();
  }
}

// ---- The SDK's view, in the decoder's model, to compare decoded bodies against ----

export function nanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** SDK attributes hold the same JSON-like values the decoder produces (ints beyond 2^53 aside). */
function attributes(value: OtelAttributes): Attributes {
  return { ...(value as Attributes) };
}

const TEMPORALITY = ['delta', 'cumulative'] as const; // sdk-metrics AggregationTemporality: DELTA 0, CUMULATIVE 1

export function expectedMetrics(sdk: SdkResourceMetrics): MetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: attributes(sdk.resource.attributes),
        scopeMetrics: sdk.scopeMetrics.map((scope) => ({
          scope: { name: scope.scope.name, version: scope.scope.version ?? '' },
          metrics: scope.metrics.map((metric): Metric => {
            const base = {
              name: metric.descriptor.name,
              unit: metric.descriptor.unit,
              description: metric.descriptor.description,
            };
            const temporality = TEMPORALITY[metric.aggregationTemporality]!;
            const numberPoints = () =>
              metric.dataPoints.map((p) => ({
                attributes: attributes(p.attributes),
                startTimeUnixNano: nanos(p.startTime),
                timeUnixNano: nanos(p.endTime),
                value: p.value as number,
              }));
            switch (metric.dataPointType) {
              case DataPointType.SUM:
                return {
                  ...base,
                  type: 'sum',
                  temporality,
                  monotonic: metric.isMonotonic,
                  points: numberPoints(),
                };
              case DataPointType.GAUGE:
                return { ...base, type: 'gauge', points: numberPoints() };
              case DataPointType.HISTOGRAM:
                return {
                  ...base,
                  type: 'histogram',
                  temporality,
                  points: metric.dataPoints.map((p) => {
                    const h = p.value as Histogram;
                    return {
                      attributes: attributes(p.attributes),
                      startTimeUnixNano: nanos(p.startTime),
                      timeUnixNano: nanos(p.endTime),
                      count: h.count,
                      ...(h.sum === undefined ? {} : { sum: h.sum }),
                      ...(h.min === undefined ? {} : { min: h.min }),
                      ...(h.max === undefined ? {} : { max: h.max }),
                      bounds: h.buckets.boundaries,
                      counts: h.buckets.counts,
                      exemplars: [],
                    };
                  }),
                };
              default:
                return {
                  ...base,
                  type: 'unsupported',
                  kind: 'exponential_histogram',
                  pointCount: metric.dataPoints.length,
                };
            }
          }),
        })),
      },
    ],
  };
}

export function expectedSpans(spans: readonly ReadableSpan[]): TracesRequest {
  return {
    spans: spans.map((s): Span => {
      const span: Span = {
        resource: attributes(s.resource.attributes),
        scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? '' },
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        name: s.name,
        kind: s.kind + 1, // OTLP SpanKind is the API's SpanKind + 1 (0 is UNSPECIFIED)
        startTimeUnixNano: nanos(s.startTime),
        endTimeUnixNano: nanos(s.endTime),
        attributes: attributes(s.attributes),
        status: { code: s.status.code, message: s.status.message ?? '' },
      };
      const parent = s.parentSpanContext?.spanId;
      if (parent) span.parentSpanId = parent;
      return span;
    }),
  };
}

// ---- A tiny protobuf writer for hand-made messages ----

export type Bytes = Uint8Array | number[];

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function key(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}

export function concat(...parts: Bytes[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A length-delimited field (embedded message, string, bytes or packed values). */
export function len(field: number, ...content: Bytes[]): Uint8Array {
  const body = concat(...content);
  return concat(key(field, 2), varint(body.length), body);
}

export function str(field: number, text: string): Uint8Array {
  return len(field, new TextEncoder().encode(text));
}

export function vint(field: number, value: number | bigint): Uint8Array {
  return concat(key(field, 0), varint(value));
}

export function fixed64(value: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true);
  return out;
}

export function f64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value, true);
  return out;
}

/** fixed64 / sfixed64 field. */
export function fx64(field: number, value: number | bigint): Uint8Array {
  return concat(key(field, 1), fixed64(value));
}

/** double field. */
export function dbl(field: number, value: number): Uint8Array {
  return concat(key(field, 1), f64(value));
}

export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
