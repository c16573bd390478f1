import { createRequire } from 'node:module';
import { diag, ValueType } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type GaugeMetricData,
  type IMetricReader,
  MeterProvider,
  type MetricProducer,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { ModelReport } from '../analyse/report.js';
import type { MonitorState } from '../monitors/evaluate.js';
import {
  type GaugeDefinition,
  type GaugePoint,
  gaugePoints,
  MONITOR_STATUS_GAUGE,
  monitorStatusPoints,
  REPORT_GAUGES,
} from './gauges.js';
import { exportIntervalFromEnv, otlpExporterFromEnv } from './otlp.js';

/** Wall-clock time as OTel's [seconds, nanoseconds]. */
function hrTime(): [number, number] {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

/** Instrumentation scope of everything the analysis re-emits; the store's loop guard drops it on the way back in. */
export const EMIT_SCOPE = '@modelpulse/analysis';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface EmitterOptions {
  /**
   * The OTLP exporter. Default: the one the standard `OTEL_EXPORTER_OTLP_*` variables configure, only
   * when an endpoint is set (see `otlpExporterFromEnv`); `null`: no OTLP export whatever the environment.
   * It is read by a `PeriodicExportingMetricReader` every `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60 000).
   */
  otlpExporter?: PushMetricExporter | null;
  /** Gauges to export. Default {@link REPORT_GAUGES}. */
  gauges?: readonly GaugeDefinition[];
}

export interface Emitter {
  /** Replaces every exported value with those of `reports`: series absent from them disappear. */
  update(reports: readonly ModelReport[]): void;
  /** Replaces every `ml.monitor.status` series with those of `states` (the monitor engine's, after each cycle). */
  updateMonitors(states: readonly MonitorState[]): void;
  /** Hono handler for `GET /metrics`: the Prometheus text exposition format. */
  metricsHandler(): () => Promise<Response>;
  /** Exports to OTLP now (no-op without an OTLP reader). */
  forceFlush(): Promise<void>;
  /** Final OTLP export, then stop. */
  shutdown(): Promise<void>;
}

/**
 * Re-emits analysis results as OpenTelemetry gauges, on a Prometheus endpoint and over OTLP.
 *
 * Values are served by a `MetricProducer` reading the latest reports, not by observable-gauge callbacks:
 * the SDK's cumulative storage of asynchronous instruments keeps every attribute set it ever saw and
 * would export a feature or model that disappeared with its last value forever. The producer exports
 * exactly the series of the last `update()`.
 */
export function createEmitter(options: EmitterOptions = {}): Emitter {
  const definitions = options.gauges ?? REPORT_GAUGES;
  let reports: readonly ModelReport[] = [];
  let monitorPoints: GaugePoint[] = [];
  let updatedAt = hrTime();

  const resource: Resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'modelpulse-analysis' }))
    .merge(detectResources({ detectors: [envDetector] }));

  const producer: MetricProducer = {
    async collect(): Promise<CollectionResult> {
      const endTime = hrTime();
      const metrics: GaugeMetricData[] = [];
      const all: [Omit<GaugeDefinition, 'points'>, GaugePoint[]][] = [...gaugePoints(definitions, reports)];
      if (monitorPoints.length > 0) all.push([MONITOR_STATUS_GAUGE, monitorPoints]);
      for (const [definition, points] of all) {
        metrics.push({
          descriptor: {
            name: definition.name,
            unit: definition.unit,
            description: definition.description,
            valueType: ValueType.DOUBLE,
          },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints: points.map(({ attributes, value }) => ({
            attributes,
            value,
            startTime: updatedAt,
            endTime,
          })),
        });
      }
      return {
        resourceMetrics: { resource, scopeMetrics: [{ scope: { name: EMIT_SCOPE, version }, metrics }] },
        errors: [],
      };
    },
  };

  const prometheus = new PrometheusExporter({ preventServerStart: true, metricProducers: [producer] });
  const serializer = new PrometheusSerializer();
  const exporter = options.otlpExporter === undefined ? otlpExporterFromEnv() : options.otlpExporter;
  const otlp = exporter
    ? new PeriodicExportingMetricReader({
        exporter,
        metricProducers: [producer],
        ...exportIntervalFromEnv(),
      })
    : undefined;
  const readers: IMetricReader[] = [prometheus];
  if (otlp) readers.push(otlp);
  const provider = new MeterProvider({ resource, readers });
  let shutdown: Promise<void> | undefined;

  return {
    update(next) {
      reports = [...next];
      updatedAt = hrTime();
    },
    updateMonitors(states) {
      monitorPoints = monitorStatusPoints(states);
    },
    metricsHandler() {
      return async () => {
        const { resourceMetrics, errors } = await prometheus.collect();
        if (errors.length > 0) diag.error('modelpulse: metrics collection errors', ...errors);
        const text = serializer.serialize(resourceMetrics);
        // the serializer leaves "# no registered metrics" unterminated, which parsers reject
        return new Response(text.endsWith('\n') ? text : `${text}\n`, {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        });
      };
    },
    async forceFlush() {
      await otlp?.forceFlush();
    },
    shutdown() {
      shutdown ??= provider.shutdown();
      return shutdown;
    },
  };
}
