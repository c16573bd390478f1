import type {
  Exemplar,
  HistogramPoint,
  Metric,
  MetricsRequest,
  NumberPoint,
  ResourceMetrics,
  Temporality,
} from '../model.js';
import { OtlpDecodeError } from './errors.js';
import {
  attributes,
  bool,
  count,
  counts as countList,
  double,
  doubles,
  enumValue,
  get,
  hexId,
  int64Value,
  type JsonObject,
  join,
  list,
  object,
  parseJson,
  resource,
  scope,
  string,
  uint32,
  uint64,
} from './json-common.js';
import { FLAG_NO_RECORDED_VALUE, TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from './proto-fields.js';
import { checkHistogramBuckets } from './validate.js';

const TEMPORALITY_NAMES = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: TEMPORALITY_DELTA,
  AGGREGATION_TEMPORALITY_CUMULATIVE: TEMPORALITY_CUMULATIVE,
};

/** ExportMetricsServiceRequest from OTLP/JSON; the same shape and rules as the protobuf decoder. */
export function decodeMetricsJson(body: Uint8Array): MetricsRequest {
  const root = object(parseJson(body), 'request body');
  const items = list(get(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics');
  const resourceMetrics: ResourceMetrics[] = [];
  for (let i = 0; i < items.length; i++) {
    const path = `resourceMetrics[${i}]`;
    const rm = object(items[i], path);
    const scopes = list(get(rm, 'scopeMetrics', 'scope_metrics'), `${path}.scopeMetrics`);
    resourceMetrics.push({
      resource: resource(get(rm, 'resource'), `${path}.resource`),
      scopeMetrics: scopes.map((item, j) => {
        const scopePath = `${path}.scopeMetrics[${j}]`;
        const sm = object(item, scopePath);
        const metrics = list(get(sm, 'metrics'), `${scopePath}.metrics`);
        return {
          scope: scope(get(sm, 'scope'), `${scopePath}.scope`),
          metrics: metrics.map((m, k) => decodeMetric(m, `${scopePath}.metrics[${k}]`)),
        };
      }),
    });
  }
  return { resourceMetrics };
}

function decodeMetric(value: unknown, path: string): Metric {
  const m = object(value, path);
  const base = {
    name: string(get(m, 'name'), join(path, 'name')),
    unit: string(get(m, 'unit'), join(path, 'unit')),
    description: string(get(m, 'description'), join(path, 'description')),
  };
  let data = get(m, 'sum');
  if (data !== undefined) {
    const sum = object(data, join(path, 'sum'));
    return {
      ...base,
      type: 'sum',
      temporality: temporality(sum, join(path, 'sum')),
      monotonic: bool(get(sum, 'isMonotonic', 'is_monotonic'), join(path, 'sum.isMonotonic')),
      points: numberPoints(sum, join(path, 'sum')),
    };
  }
  data = get(m, 'gauge');
  if (data !== undefined) {
    return {
      ...base,
      type: 'gauge',
      points: numberPoints(object(data, join(path, 'gauge')), join(path, 'gauge')),
    };
  }
  data = get(m, 'histogram');
  if (data !== undefined) {
    const histogram = object(data, join(path, 'histogram'));
    const pointsPath = join(path, 'histogram.dataPoints');
    const points: HistogramPoint[] = [];
    list(get(histogram, 'dataPoints', 'data_points'), pointsPath).forEach((p, i) => {
      const point = histogramPoint(p, `${pointsPath}[${i}]`);
      if (point) points.push(point);
    });
    return {
      ...base,
      type: 'histogram',
      temporality: temporality(histogram, join(path, 'histogram')),
      points,
    };
  }
  for (const [camel, snake] of [
    ['exponentialHistogram', 'exponential_histogram'],
    ['summary', 'summary'],
  ] as const) {
    data = get(m, camel, snake);
    if (data !== undefined) {
      const dataPath = join(path, camel);
      const pointCount = list(
        get(object(data, dataPath), 'dataPoints', 'data_points'),
        `${dataPath}.dataPoints`,
      ).length;
      return { ...base, type: 'unsupported', kind: snake, pointCount };
    }
  }
  return { ...base, type: 'unsupported', kind: 'empty', pointCount: 0 };
}

function temporality(data: JsonObject, path: string): Temporality {
  const value = enumValue(
    get(data, 'aggregationTemporality', 'aggregation_temporality'),
    `${path}.aggregationTemporality`,
    TEMPORALITY_NAMES,
  );
  if (value === TEMPORALITY_DELTA) return 'delta';
  if (value === TEMPORALITY_CUMULATIVE) return 'cumulative';
  return 'unspecified';
}

function numberPoints(data: JsonObject, path: string): NumberPoint[] {
  const pointsPath = `${path}.dataPoints`;
  const points: NumberPoint[] = [];
  list(get(data, 'dataPoints', 'data_points'), pointsPath).forEach((value, i) => {
    const pointPath = `${pointsPath}[${i}]`;
    const p = object(value, pointPath);
    const flags = uint32(get(p, 'flags'), `${pointPath}.flags`);
    const asDouble = get(p, 'asDouble', 'as_double');
    const asInt = get(p, 'asInt', 'as_int');
    const noValue = (flags & FLAG_NO_RECORDED_VALUE) !== 0;
    let v = 0;
    if (asDouble !== undefined) v = double(asDouble, `${pointPath}.asDouble`);
    else if (asInt !== undefined) v = int64Value(asInt, `${pointPath}.asInt`);
    else if (!noValue)
      throw new OtlpDecodeError(`${pointPath}: number data point has neither asDouble nor asInt`);
    const point: NumberPoint = {
      attributes: attributes(get(p, 'attributes'), `${pointPath}.attributes`),
      startTimeUnixNano: uint64(
        get(p, 'startTimeUnixNano', 'start_time_unix_nano'),
        `${pointPath}.startTimeUnixNano`,
      ),
      timeUnixNano: uint64(get(p, 'timeUnixNano', 'time_unix_nano'), `${pointPath}.timeUnixNano`),
      value: v,
    };
    if (!noValue) points.push(point);
  });
  return points;
}

function histogramPoint(value: unknown, path: string): HistogramPoint | undefined {
  const p = object(value, path);
  const boundsPath = `${path}.explicitBounds`;
  const countsPath = `${path}.bucketCounts`;
  const bounds = doubles(get(p, 'explicitBounds', 'explicit_bounds'), boundsPath);
  const counts = countList(get(p, 'bucketCounts', 'bucket_counts'), countsPath);
  const exemplarsPath = `${path}.exemplars`;
  const exemplars: Exemplar[] = [];
  list(get(p, 'exemplars'), exemplarsPath).forEach((e, i) => {
    const exemplar = decodeExemplar(e, `${exemplarsPath}[${i}]`);
    if (exemplar) exemplars.push(exemplar);
  });
  const point: HistogramPoint = {
    attributes: attributes(get(p, 'attributes'), `${path}.attributes`),
    startTimeUnixNano: uint64(
      get(p, 'startTimeUnixNano', 'start_time_unix_nano'),
      `${path}.startTimeUnixNano`,
    ),
    timeUnixNano: uint64(get(p, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    count: count(get(p, 'count'), `${path}.count`),
    bounds,
    counts,
    exemplars,
  };
  for (const key of ['sum', 'min', 'max'] as const) {
    const v = get(p, key);
    if (v !== undefined) point[key] = double(v, `${path}.${key}`);
  }
  if (uint32(get(p, 'flags'), `${path}.flags`) & FLAG_NO_RECORDED_VALUE) return undefined;
  const problem = checkHistogramBuckets(bounds, counts);
  if (problem !== undefined) throw new OtlpDecodeError(`${path}: histogram data point: ${problem}`);
  return point;
}

function decodeExemplar(value: unknown, path: string): Exemplar | undefined {
  const e = object(value, path);
  const asDouble = get(e, 'asDouble', 'as_double');
  const asInt = get(e, 'asInt', 'as_int');
  let v: number;
  if (asDouble !== undefined) v = double(asDouble, `${path}.asDouble`);
  else if (asInt !== undefined) v = int64Value(asInt, `${path}.asInt`);
  else return undefined;
  const exemplar: Exemplar = {
    value: v,
    timeUnixNano: uint64(get(e, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
  };
  const traceId = hexId(get(e, 'traceId', 'trace_id'), `${path}.traceId`, 16);
  const spanId = hexId(get(e, 'spanId', 'span_id'), `${path}.spanId`, 8);
  if (traceId !== '') exemplar.traceId = traceId;
  if (spanId !== '') exemplar.spanId = spanId;
  return exemplar;
}
