/**
 * Test helpers for the two ways the analysis service re-emits its results: a local OTLP/HTTP receiver the
 * emitter's real OTLP exporter pushes to (bodies decoded with the service's own OTLP decoder), and a
 * parser of the Prometheus text exposition served on `/metrics`. Both are reduced to the same shape —
 * Prometheus series keys (`name{label="value",…}`, labels sorted) → value — so they can be compared.
 */
import { EMIT_SCOPE } from '../src/emit/index.js';
import type { AttributeValue, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import { decodeMetricsRequest } from '../src/receive/otlp/index.js';
import { startCapture } from './otlp-capture.js';

/** One point of a re-emitted gauge, as the OTLP receiver decoded it. */
export interface EmittedPoint {
  name: string;
  attributes: Record<string, string>;
  value: number;
  startTimeUnixNano: bigint;
}

export interface OtlpReceiver {
  url: string;
  /** Every export request received so far, decoded, in arrival order. */
  requests(): { contentType: string; request: MetricsRequest }[];
  /**
   * The points of the first export whose values were all set at or after `sinceMs` (the emitter stamps
   * every point's start time with the time of its last update), waiting for it up to `timeoutMs`.
   */
  exportSince(sinceMs: number, timeoutMs?: number): Promise<EmittedPoint[]>;
  close(): Promise<void>;
}

const text = (v: AttributeValue | undefined) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The gauge points of the `@modelpulse/analysis` scope in one request; throws on anything else. */
export function emittedPoints(request: MetricsRequest): EmittedPoint[] {
  const points: EmittedPoint[] = [];
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      if (sm.metrics.length === 0) continue;
      if (sm.scope.name !== EMIT_SCOPE) throw new Error(`unexpected scope ${sm.scope.name}`);
      for (const metric of sm.metrics) {
        if (metric.type !== 'gauge') throw new Error(`${metric.name} is a ${metric.type}, not a gauge`);
        for (const p of metric.points as NumberPoint[]) {
          points.push({
            name: metric.name,
            attributes: Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, text(v)])),
            value: p.value,
            startTimeUnixNano: p.startTimeUnixNano,
          });
        }
      }
    }
  }
  return points;
}

/** An OTLP/HTTP metrics endpoint on 127.0.0.1 that decodes what it receives (protobuf or JSON). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const capture = await startCapture();
  const decoded: { contentType: string; request: MetricsRequest }[] = [];
  const decodeNew = () => {
    for (const c of capture.received.slice(decoded.length)) {
      if (c.path !== '/v1/metrics') throw new Error(`unexpected OTLP path ${c.path}`);
      const format = c.contentType.includes('json') ? 'json' : 'protobuf';
      decoded.push({ contentType: c.contentType, request: decodeMetricsRequest(c.body, format) });
    }
    return decoded;
  };
  return {
    url: capture.url,
    requests: decodeNew,
    async exportSince(sinceMs, timeoutMs = 20_000) {
      const since = BigInt(sinceMs) * 1_000_000n;
      const deadline = Date.now() + timeoutMs;
      for (let seen = 0; ; ) {
        const all = decodeNew();
        for (; seen < all.length; seen++) {
          const points = emittedPoints((all[seen] as (typeof all)[number]).request);
          if (points.length > 0 && points.every((p) => p.startTimeUnixNano >= since)) return points;
        }
        if (Date.now() > deadline)
          throw new Error(`no OTLP export of values set since ${new Date(sinceMs).toISOString()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: capture.close,
  };
}

/** `name{a="x",b="y"}` with labels sorted: the identity of a Prometheus series. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${name}{${sorted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** The Prometheus name of an OTel metric or attribute name with a unit that adds no suffix (`1`, `{…}`). */
export const promName = (otelName: string) => otelName.replace(/\./g, '_');

/** OTLP points keyed as Prometheus would expose them (docs/metrics.md: dots become underscores). */
export function asPrometheus(points: readonly EmittedPoint[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    const labels = Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [promName(k), v]));
    const key = seriesKey(promName(p.name), labels);
    if (out.has(key)) throw new Error(`series ${key} exported twice`);
    out.set(key, p.value);
  }
  return out;
}

/**
 * The `ml_*` samples of a text exposition keyed by series, without the `otel_scope_*` labels every series
 * carries (checked to name the emitter's scope). Label values are unescaped.
 */
export function parseScrape(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('ml_')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`Unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    if (labels.otel_scope_name !== EMIT_SCOPE) throw new Error(`unexpected scope in ${line}`);
    delete labels.otel_scope_name;
    delete labels.otel_scope_version;
    const key = seriesKey(match[1] as string, labels);
    if (out.has(key)) throw new Error(`series ${key} exposed twice`);
    out.set(key, Number(match[3]));
  }
  return out;
}
