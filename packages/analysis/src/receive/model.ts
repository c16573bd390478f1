/**
 * The OTLP data the service works with, decoded from protobuf or JSON into one plain shape. Only what
 * modelpulse reads is kept; ids are lower-case hex, times are bigint nanoseconds, counts are numbers.
 */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

export interface Scope {
  name: string;
  version: string;
}

export interface Exemplar {
  /** 32 hex digits, or undefined when the exemplar has no trace. */
  traceId?: string;
  spanId?: string;
  value: number;
  timeUnixNano: bigint;
}

export interface NumberPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number;
}

export interface HistogramPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  /** explicit bounds; counts has bounds.length + 1 entries (or 0 when the point has no buckets) */
  bounds: readonly number[];
  counts: number[];
  exemplars: readonly Exemplar[];
}

interface MetricBase {
  name: string;
  unit: string;
  description: string;
}

export type Metric =
  | (MetricBase & { type: 'sum'; temporality: Temporality; monotonic: boolean; points: NumberPoint[] })
  | (MetricBase & { type: 'gauge'; points: NumberPoint[] })
  | (MetricBase & { type: 'histogram'; temporality: Temporality; points: HistogramPoint[] })
  /** Kinds modelpulse does not read (exponential histogram, summary): kept only to count their points. */
  | (MetricBase & { type: 'unsupported'; kind: string; pointCount: number });

export interface ScopeMetrics {
  scope: Scope;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Attributes;
  scopeMetrics: ScopeMetrics[];
}

/** ExportMetricsServiceRequest */
export interface MetricsRequest {
  resourceMetrics: ResourceMetrics[];
}

export interface Span {
  resource: Attributes;
  scope: Scope;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind enum value (0 unspecified … 5 consumer) */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  /** OTLP StatusCode (0 unset, 1 ok, 2 error) */
  status: { code: number; message: string };
}

/** ExportTraceServiceRequest, flattened: each span carries its resource and scope. */
export interface TracesRequest {
  spans: Span[];
}

/** ExportLogsServiceRequest: modelpulse only counts log records. */
export interface LogsRequest {
  recordCount: number;
}
