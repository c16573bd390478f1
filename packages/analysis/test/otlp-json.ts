import type { Attributes, AttributeValue, Metric, MetricsRequest } from '../src/receive/model.js';

/**
 * Test helper: a decoded metrics request back to OTLP/JSON text, as the spec writes it (64-bit integers as
 * strings, enums as integers), for tests that need the body an exporter would have sent.
 */
export function otlpJsonBody(request: MetricsRequest): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: request.resourceMetrics.map((rm) => ({
        resource: { attributes: keyValues(rm.resource) },
        scopeMetrics: rm.scopeMetrics.map((sm) => ({ scope: sm.scope, metrics: sm.metrics.map(metric) })),
      })),
    }),
  );
}

const TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;

function metric(m: Metric): object {
  const base = { name: m.name, unit: m.unit, description: m.description };
  switch (m.type) {
    case 'histogram':
      return {
        ...base,
        histogram: {
          aggregationTemporality: TEMPORALITY[m.temporality],
          dataPoints: m.points.map((p) => ({
            attributes: keyValues(p.attributes),
            startTimeUnixNano: String(p.startTimeUnixNano),
            timeUnixNano: String(p.timeUnixNano),
            count: String(p.count),
            sum: p.sum,
            bucketCounts: p.counts.map(String),
            explicitBounds: p.bounds,
          })),
        },
      };
    case 'sum':
      return {
        ...base,
        sum: {
          aggregationTemporality: TEMPORALITY[m.temporality],
          isMonotonic: m.monotonic,
          dataPoints: m.points.map((p) => ({
            attributes: keyValues(p.attributes),
            startTimeUnixNano: String(p.startTimeUnixNano),
            timeUnixNano: String(p.timeUnixNano),
            asDouble: p.value,
          })),
        },
      };
    default:
      throw new Error(`otlpJsonBody: ${m.type} metrics are not needed by the tests`);
  }
}

function keyValues(attributes: Attributes): object[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: AttributeValue): object {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value === null) return {};
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

/** One delta `ml.prediction.score` histogram of a model version, a point per entry, as a request. */
export function scoreRequest(
  model: { name: string; version: string },
  points: { counts: number[]; bounds: number[]; fromNs: bigint; toNs: bigint }[],
): MetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: {},
        scopeMetrics: [
          {
            scope: { name: '@modelpulse/otel', version: '' },
            metrics: [
              {
                name: 'ml.prediction.score',
                unit: '1',
                description: '',
                type: 'histogram',
                temporality: 'delta',
                points: points.map((p) => ({
                  attributes: { 'ml.model.name': model.name, 'ml.model.version': model.version },
                  startTimeUnixNano: p.fromNs,
                  timeUnixNano: p.toNs,
                  count: p.counts.reduce((a, b) => a + b, 0),
                  sum: 1,
                  bounds: p.bounds,
                  counts: p.counts,
                  exemplars: [],
                })),
              },
            ],
          },
        ],
      },
    ],
  };
}
