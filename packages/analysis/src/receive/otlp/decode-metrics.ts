import type {
  Attributes,
  Exemplar,
  HistogramPoint,
  Metric,
  MetricsRequest,
  NumberPoint,
  ResourceMetrics,
  Scope,
  ScopeMetrics,
  Temporality,
} from '../model.js';
import {
  decodeResource,
  decodeScope,
  internedAttributes,
  moreAttributes,
  NO_ATTRIBUTES,
} from './decode-common.js';
import { OtlpDecodeError } from './errors.js';
import {
  DATA_POINTS,
  DATA_TEMPORALITY,
  EXEMPLAR_AS_DOUBLE,
  EXEMPLAR_AS_INT,
  EXEMPLAR_SPAN_ID,
  EXEMPLAR_TIME,
  EXEMPLAR_TRACE_ID,
  FLAG_NO_RECORDED_VALUE,
  HISTOGRAM_ATTRIBUTES,
  HISTOGRAM_BOUNDS,
  HISTOGRAM_BOUNDS_PACKED,
  HISTOGRAM_BUCKET_COUNTS,
  HISTOGRAM_BUCKET_COUNTS_PACKED,
  HISTOGRAM_COUNT,
  HISTOGRAM_EXEMPLARS,
  HISTOGRAM_FLAGS,
  HISTOGRAM_MAX,
  HISTOGRAM_MIN,
  HISTOGRAM_START_TIME,
  HISTOGRAM_SUM,
  HISTOGRAM_TIME,
  METRIC_DESCRIPTION,
  METRIC_EXPONENTIAL_HISTOGRAM,
  METRIC_GAUGE,
  METRIC_HISTOGRAM,
  METRIC_NAME,
  METRIC_SUM,
  METRIC_SUMMARY,
  METRIC_UNIT,
  NUMBER_AS_DOUBLE,
  NUMBER_AS_INT,
  NUMBER_ATTRIBUTES,
  NUMBER_FLAGS,
  NUMBER_START_TIME,
  NUMBER_TIME,
  REQUEST_RESOURCES,
  RESOURCE_DATA_RESOURCE,
  RESOURCE_DATA_SCOPES,
  SCOPE_DATA_ITEMS,
  SCOPE_DATA_SCOPE,
  SUM_IS_MONOTONIC,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
} from './proto-fields.js';
import { checkHistogramBuckets } from './validate.js';
import { WireReader } from './wire-reader.js';

/** ExportMetricsServiceRequest from protobuf. */
export function decodeMetricsProtobuf(body: Uint8Array): MetricsRequest {
  const r = new WireReader(body);
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === REQUEST_RESOURCES) resourceMetrics.push(decodeResourceMetrics(r, t));
    else r.skip(t);
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: WireReader, tag: number): ResourceMetrics {
  const outer = r.enter(tag);
  const resource: Attributes = {};
  const scopeMetrics: ScopeMetrics[] = [];
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === RESOURCE_DATA_RESOURCE) decodeResource(r, t, resource);
    else if (t === RESOURCE_DATA_SCOPES) scopeMetrics.push(decodeScopeMetrics(r, t));
    else r.skip(t);
  }
  r.leave(outer);
  return { resource, scopeMetrics };
}

function decodeScopeMetrics(r: WireReader, tag: number): ScopeMetrics {
  const outer = r.enter(tag);
  const scope: Scope = { name: '', version: '' };
  const metrics: Metric[] = [];
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === SCOPE_DATA_SCOPE) decodeScope(r, t, scope);
    else if (t === SCOPE_DATA_ITEMS) metrics.push(decodeMetric(r, t));
    else r.skip(t);
  }
  r.leave(outer);
  return { scope, metrics };
}

/** What the `data` oneof of a Metric held; the metadata (name, unit, …) may come before or after it. */
type MetricData =
  | { type: 'sum'; temporality: Temporality; monotonic: boolean; points: NumberPoint[] }
  | { type: 'gauge'; points: NumberPoint[] }
  | { type: 'histogram'; temporality: Temporality; points: HistogramPoint[] }
  | { type: 'unsupported'; kind: string; pointCount: number };

const NO_DATA: MetricData = { type: 'unsupported', kind: 'empty', pointCount: 0 };

function decodeMetric(r: WireReader, tag: number): Metric {
  const outer = r.enter(tag);
  let name = '';
  let description = '';
  let unit = '';
  let data = NO_DATA;
  try {
    while (r.pos < r.limit) {
      const t = r.tag();
      switch (t) {
        case METRIC_NAME:
          name = r.string(t);
          break;
        case METRIC_DESCRIPTION:
          description = r.string(t);
          break;
        case METRIC_UNIT:
          unit = r.string(t);
          break;
        case METRIC_GAUGE:
        case METRIC_SUM:
          data = decodeNumberData(r, t);
          break;
        case METRIC_HISTOGRAM:
          data = decodeHistogram(r, t);
          break;
        case METRIC_EXPONENTIAL_HISTOGRAM:
          data = { type: 'unsupported', kind: 'exponential_histogram', pointCount: countPoints(r, t) };
          break;
        case METRIC_SUMMARY:
          data = { type: 'unsupported', kind: 'summary', pointCount: countPoints(r, t) };
          break;
        default:
          r.skip(t);
      }
    }
  } catch (error) {
    // Name the metric when it was read before the bad part (exporters write the name first).
    if (error instanceof OtlpDecodeError && name !== '') {
      throw new OtlpDecodeError(`metric ${JSON.stringify(name)}: ${error.message}`);
    }
    throw error;
  }
  r.leave(outer);
  return { name, unit, description, ...data };
}

function temporalityOf(value: number): Temporality {
  if (value === TEMPORALITY_DELTA) return 'delta';
  if (value === TEMPORALITY_CUMULATIVE) return 'cumulative';
  return 'unspecified';
}

/** Gauge or Sum. */
function decodeNumberData(r: WireReader, tag: number): MetricData {
  const outer = r.enter(tag);
  const points: NumberPoint[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === DATA_POINTS) {
      const point = decodeNumberPoint(r, t);
      if (point) points.push(point);
    } else if (t === DATA_TEMPORALITY) temporality = r.int32();
    else if (t === SUM_IS_MONOTONIC) monotonic = r.bool();
    else r.skip(t);
  }
  r.leave(outer);
  if (tag === METRIC_GAUGE) return { type: 'gauge', points };
  return { type: 'sum', temporality: temporalityOf(temporality), monotonic, points };
}

/** NumberDataPoint; undefined for a no-recorded-value marker. NaN / ±Infinity pass through. */
function decodeNumberPoint(r: WireReader, tag: number): NumberPoint | undefined {
  const at = r.pos;
  const outer = r.enter(tag);
  let attributes: Attributes | undefined;
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | undefined;
  let flags = 0;
  while (r.pos < r.limit) {
    const t = r.tag();
    switch (t) {
      case NUMBER_ATTRIBUTES:
        attributes = attributes ? moreAttributes(r, t, attributes) : internedAttributes(r, t);
        break;
      case NUMBER_START_TIME:
        startTimeUnixNano = r.fixed64(t);
        break;
      case NUMBER_TIME:
        timeUnixNano = r.fixed64(t);
        break;
      case NUMBER_AS_DOUBLE:
        value = r.double(t);
        break;
      case NUMBER_AS_INT:
        value = r.sfixed64(t);
        break;
      case NUMBER_FLAGS:
        flags = r.uint32();
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  if (flags & FLAG_NO_RECORDED_VALUE) return undefined;
  if (value === undefined) r.fail(`number data point at byte ${at} has neither as_double nor as_int`);
  return { attributes: attributes ?? NO_ATTRIBUTES, startTimeUnixNano, timeUnixNano, value };
}

function decodeHistogram(r: WireReader, tag: number): MetricData {
  const outer = r.enter(tag);
  const points: HistogramPoint[] = [];
  let temporality = 0;
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === DATA_POINTS) {
      const point = decodeHistogramPoint(r, t);
      if (point) points.push(point);
    } else if (t === DATA_TEMPORALITY) temporality = r.int32();
    else r.skip(t);
  }
  r.leave(outer);
  return { type: 'histogram', temporality: temporalityOf(temporality), points };
}

const NO_BOUNDS: readonly number[] = Object.freeze([]);
const NO_EXEMPLARS: readonly Exemplar[] = Object.freeze([]);

/** HistogramDataPoint; packed and unpacked repeated fields are both accepted (and concatenated). */
function decodeHistogramPoint(r: WireReader, tag: number): HistogramPoint | undefined {
  const at = r.pos;
  const outer = r.enter(tag);
  let attributes: Attributes | undefined;
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0;
  let sum: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  // Shared with the point before when equal; copied into `ownBounds` before anything is appended.
  let bounds: readonly number[] = NO_BOUNDS;
  let ownBounds: number[] | undefined;
  const counts: number[] = [];
  let exemplars: Exemplar[] | undefined;
  let flags = 0;
  while (r.pos < r.limit) {
    const t = r.tag();
    switch (t) {
      case HISTOGRAM_ATTRIBUTES:
        attributes = attributes ? moreAttributes(r, t, attributes) : internedAttributes(r, t);
        break;
      case HISTOGRAM_START_TIME:
        startTimeUnixNano = r.fixed64(t);
        break;
      case HISTOGRAM_TIME:
        timeUnixNano = r.fixed64(t);
        break;
      case HISTOGRAM_COUNT:
        count = r.count(t);
        break;
      case HISTOGRAM_SUM:
        sum = r.double(t);
        break;
      case HISTOGRAM_BUCKET_COUNTS_PACKED:
        r.packedCounts(t, counts);
        break;
      case HISTOGRAM_BUCKET_COUNTS:
        counts.push(r.count(t));
        break;
      case HISTOGRAM_BOUNDS_PACKED:
        if (bounds.length === 0) {
          bounds = r.packedDoublesLike(t, r.lastBounds);
          r.lastBounds = bounds;
        } else {
          ownBounds ??= [...bounds];
          bounds = ownBounds;
          r.packedDoubles(t, ownBounds);
        }
        break;
      case HISTOGRAM_BOUNDS:
        ownBounds ??= [...bounds];
        bounds = ownBounds;
        ownBounds.push(r.double(t));
        break;
      case HISTOGRAM_EXEMPLARS: {
        const exemplar = decodeExemplar(r, t);
        if (exemplar) {
          exemplars ??= [];
          exemplars.push(exemplar);
        }
        break;
      }
      case HISTOGRAM_FLAGS:
        flags = r.uint32();
        break;
      case HISTOGRAM_MIN:
        min = r.double(t);
        break;
      case HISTOGRAM_MAX:
        max = r.double(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  if (flags & FLAG_NO_RECORDED_VALUE) return undefined;
  const problem = checkHistogramBuckets(bounds, counts, bounds === r.checkedBounds);
  if (problem !== undefined) r.fail(`histogram data point at byte ${at}: ${problem}`);
  r.checkedBounds = bounds;
  const point: HistogramPoint = {
    attributes: attributes ?? NO_ATTRIBUTES,
    startTimeUnixNano,
    timeUnixNano,
    count,
    bounds,
    counts,
    exemplars: exemplars ?? NO_EXEMPLARS,
  };
  if (sum !== undefined) point.sum = sum;
  if (min !== undefined) point.min = min;
  if (max !== undefined) point.max = max;
  return point;
}

/** Exemplar; one without a value carries nothing to link and is dropped. */
function decodeExemplar(r: WireReader, tag: number): Exemplar | undefined {
  const outer = r.enter(tag);
  let timeUnixNano = 0n;
  let value: number | undefined;
  let traceId = '';
  let spanId = '';
  while (r.pos < r.limit) {
    const t = r.tag();
    switch (t) {
      case EXEMPLAR_TIME:
        timeUnixNano = r.fixed64(t);
        break;
      case EXEMPLAR_AS_DOUBLE:
        value = r.double(t);
        break;
      case EXEMPLAR_AS_INT:
        value = r.sfixed64(t);
        break;
      case EXEMPLAR_TRACE_ID:
        traceId = r.hex(t, 16, 'exemplar trace_id');
        break;
      case EXEMPLAR_SPAN_ID:
        spanId = r.hex(t, 8, 'exemplar span_id');
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  if (value === undefined) return undefined;
  const exemplar: Exemplar = { value, timeUnixNano };
  if (traceId !== '') exemplar.traceId = traceId;
  if (spanId !== '') exemplar.spanId = spanId;
  return exemplar;
}

/** ExponentialHistogram / Summary: only their data points are counted. */
function countPoints(r: WireReader, tag: number): number {
  const outer = r.enter(tag);
  let points = 0;
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === DATA_POINTS) points++;
    r.skip(t);
  }
  r.leave(outer);
  return points;
}
