import { diag } from '@opentelemetry/api';
import { OTLPMetricExporter as OTLPJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

const value = (env: NodeJS.ProcessEnv, name: string) => env[name]?.trim() || undefined;

/**
 * The OTLP/HTTP metrics exporter the standard environment asks for, or `undefined` when OTLP export is
 * off: no `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, or `OTEL_METRICS_EXPORTER`
 * set without `otlp` (e.g. `none`). `OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL` picks the encoding:
 * `http/protobuf` (the default) or `http/json`; `grpc` is not supported and falls back to
 * `http/protobuf` with a warning. Endpoint, headers, timeout and compression are read by the exporter
 * itself from the same variables.
 */
export function otlpExporterFromEnv(env: NodeJS.ProcessEnv = process.env): PushMetricExporter | undefined {
  const exporters = value(env, 'OTEL_METRICS_EXPORTER');
  if (exporters && !exporters.split(',').some((e) => e.trim() === 'otlp')) return undefined;
  if (!value(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') && !value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')) {
    return undefined;
  }
  const protocol =
    value(env, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL') ??
    value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  if (protocol === 'http/json') return new OTLPJsonMetricExporter();
  if (protocol !== 'http/protobuf') {
    diag.warn(
      `modelpulse: OTLP protocol "${protocol}" is not supported for re-emitted metrics; using http/protobuf.`,
    );
  }
  return new OTLPProtoMetricExporter();
}

/** `OTEL_METRIC_EXPORT_INTERVAL` and `OTEL_METRIC_EXPORT_TIMEOUT` (ms) as reader options; invalid values are ignored. */
export function exportIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): {
  exportIntervalMillis?: number;
  exportTimeoutMillis?: number;
} {
  const ms = (name: string) => {
    const raw = value(env, name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (Number.isFinite(n) && n > 0) return n;
    diag.warn(`modelpulse: ignoring ${name}=${raw}: not a positive number of milliseconds.`);
    return undefined;
  };
  const interval = ms('OTEL_METRIC_EXPORT_INTERVAL');
  const timeout = ms('OTEL_METRIC_EXPORT_TIMEOUT');
  return {
    ...(interval === undefined ? {} : { exportIntervalMillis: interval }),
    // the reader requires timeout ≤ interval
    ...(timeout === undefined ? {} : { exportTimeoutMillis: Math.min(timeout, interval ?? 60_000) }),
  };
}
