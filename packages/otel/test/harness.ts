import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** The model attributes every metric and span of the test monitors carries. */
export const MODEL = { 'ml.model.name': 'loan-rejection', 'ml.model.version': '3' };

/** A plain, comparable view of one exported data point. */
export interface Point {
  attributes: Attributes;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  buckets?: { boundaries: number[]; counts: number[] };
}

export interface ExportedMetric {
  name: string;
  unit: string;
  kind: 'counter' | 'histogram';
  points: Point[];
}

/**
 * Real SDK providers: a MeterProvider whose reader exports to memory on demand (cumulative), and a
 * tracer provider with an in-memory span exporter.
 */
export function createHarness() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  return {
    meter: meterProvider.getMeter('test'),
    tracer: tracerProvider.getTracer('test'),
    tracerProvider,
    /** Every metric exported so far, the latest cumulative state, sorted by name and attributes. */
    async metrics(): Promise<ExportedMetric[]> {
      await reader.forceFlush();
      const last = exporter.getMetrics().at(-1);
      exporter.reset();
      const out: ExportedMetric[] = [];
      for (const scope of last?.scopeMetrics ?? []) {
        for (const metric of scope.metrics) {
          const points = metric.dataPoints.map((p): Point => {
            if (metric.dataPointType === DataPointType.HISTOGRAM) {
              const h = p.value as {
                count: number;
                sum?: number;
                min?: number;
                max?: number;
                buckets: { boundaries: number[]; counts: number[] };
              };
              return {
                attributes: p.attributes,
                count: h.count,
                sum: h.sum,
                min: h.min,
                max: h.max,
                buckets: h.buckets,
              } as Point;
            }
            return { attributes: p.attributes, value: p.value as number };
          });
          points.sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
          out.push({
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            kind: metric.dataPointType === DataPointType.HISTOGRAM ? 'histogram' : 'counter',
            points,
          });
        }
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    /** Finished spans as name, attributes, status and events. */
    spans(): {
      name: string;
      attributes: Attributes;
      status: { code: number; message?: string };
      events: string[];
      parent?: string;
    }[] {
      return spanExporter.getFinishedSpans().map((s: ReadableSpan) => ({
        name: s.name,
        attributes: s.attributes,
        status: s.status,
        events: s.events.map((e) => e.name),
        ...(s.parentSpanContext ? { parent: s.parentSpanContext.spanId } : {}),
      }));
    },
    async shutdown(): Promise<void> {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

export function metric(all: ExportedMetric[], name: string): ExportedMetric | undefined {
  return all.find((m) => m.name === name);
}

/** Bucket counts with the given number of values in each listed bucket index, zeros elsewhere. */
export function bucketCounts(length: number, filled: Record<number, number>): number[] {
  return Array.from({ length }, (_, i) => filled[i] ?? 0);
}

export type { HrTime };
