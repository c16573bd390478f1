/**
 * Tags (field number << 3 | wire type) of the OTLP protobuf fields modelpulse reads, from the
 * opentelemetry-proto definitions. A field that arrives with another wire type does not match its tag and
 * is skipped as unknown, as protobuf parsers do.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const tag = (field: number, wire: number) => (field << 3) | wire;

// Export{Metrics,Trace,Logs}ServiceRequest / {Metrics,Traces,Logs}Data
export const REQUEST_RESOURCES = tag(1, WIRE_LEN); // repeated Resource{Metrics,Spans,Logs}

// Resource{Metrics,Spans,Logs}
export const RESOURCE_DATA_RESOURCE = tag(1, WIRE_LEN); // Resource
export const RESOURCE_DATA_SCOPES = tag(2, WIRE_LEN); // repeated Scope{Metrics,Spans,Logs}

// Scope{Metrics,Spans,Logs}
export const SCOPE_DATA_SCOPE = tag(1, WIRE_LEN); // InstrumentationScope
export const SCOPE_DATA_ITEMS = tag(2, WIRE_LEN); // repeated Metric / Span / LogRecord

// resource.v1.Resource
export const RESOURCE_ATTRIBUTES = tag(1, WIRE_LEN); // repeated KeyValue

// common.v1.InstrumentationScope
export const SCOPE_NAME = tag(1, WIRE_LEN);
export const SCOPE_VERSION = tag(2, WIRE_LEN);

// common.v1.KeyValue
export const KEY_VALUE_KEY = tag(1, WIRE_LEN);
export const KEY_VALUE_VALUE = tag(2, WIRE_LEN); // AnyValue

// common.v1.AnyValue (oneof value)
export const ANY_STRING = tag(1, WIRE_LEN);
export const ANY_BOOL = tag(2, WIRE_VARINT);
export const ANY_INT = tag(3, WIRE_VARINT); // int64
export const ANY_DOUBLE = tag(4, WIRE_I64);
export const ANY_ARRAY = tag(5, WIRE_LEN); // ArrayValue
export const ANY_KVLIST = tag(6, WIRE_LEN); // KeyValueList
export const ANY_BYTES = tag(7, WIRE_LEN);

// common.v1.ArrayValue and KeyValueList
export const LIST_VALUES = tag(1, WIRE_LEN); // repeated AnyValue / KeyValue

// metrics.v1.Metric
export const METRIC_NAME = tag(1, WIRE_LEN);
export const METRIC_DESCRIPTION = tag(2, WIRE_LEN);
export const METRIC_UNIT = tag(3, WIRE_LEN);
export const METRIC_GAUGE = tag(5, WIRE_LEN);
export const METRIC_SUM = tag(7, WIRE_LEN);
export const METRIC_HISTOGRAM = tag(9, WIRE_LEN);
export const METRIC_EXPONENTIAL_HISTOGRAM = tag(10, WIRE_LEN);
export const METRIC_SUMMARY = tag(11, WIRE_LEN);

// Gauge, Sum, Histogram, ExponentialHistogram, Summary
export const DATA_POINTS = tag(1, WIRE_LEN); // repeated *DataPoint
export const DATA_TEMPORALITY = tag(2, WIRE_VARINT); // AggregationTemporality (Sum, Histogram)
export const SUM_IS_MONOTONIC = tag(3, WIRE_VARINT);

// AggregationTemporality
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

// DataPointFlags: the point marks a gap (e.g. a Prometheus staleness marker) and carries no value.
export const FLAG_NO_RECORDED_VALUE = 1;

// NumberDataPoint
export const NUMBER_ATTRIBUTES = tag(7, WIRE_LEN);
export const NUMBER_START_TIME = tag(2, WIRE_I64); // fixed64
export const NUMBER_TIME = tag(3, WIRE_I64); // fixed64
export const NUMBER_AS_DOUBLE = tag(4, WIRE_I64);
export const NUMBER_AS_INT = tag(6, WIRE_I64); // sfixed64
export const NUMBER_FLAGS = tag(8, WIRE_VARINT);

// HistogramDataPoint
export const HISTOGRAM_ATTRIBUTES = tag(9, WIRE_LEN);
export const HISTOGRAM_START_TIME = tag(2, WIRE_I64); // fixed64
export const HISTOGRAM_TIME = tag(3, WIRE_I64); // fixed64
export const HISTOGRAM_COUNT = tag(4, WIRE_I64); // fixed64
export const HISTOGRAM_SUM = tag(5, WIRE_I64); // optional double
export const HISTOGRAM_BUCKET_COUNTS_PACKED = tag(6, WIRE_LEN); // repeated fixed64
export const HISTOGRAM_BUCKET_COUNTS = tag(6, WIRE_I64); // the same, unpacked
export const HISTOGRAM_BOUNDS_PACKED = tag(7, WIRE_LEN); // repeated double
export const HISTOGRAM_BOUNDS = tag(7, WIRE_I64); // the same, unpacked
export const HISTOGRAM_EXEMPLARS = tag(8, WIRE_LEN);
export const HISTOGRAM_FLAGS = tag(10, WIRE_VARINT);
export const HISTOGRAM_MIN = tag(11, WIRE_I64); // optional double
export const HISTOGRAM_MAX = tag(12, WIRE_I64); // optional double

// Exemplar
export const EXEMPLAR_TIME = tag(2, WIRE_I64); // fixed64
export const EXEMPLAR_AS_DOUBLE = tag(3, WIRE_I64);
export const EXEMPLAR_SPAN_ID = tag(4, WIRE_LEN); // 8 bytes
export const EXEMPLAR_TRACE_ID = tag(5, WIRE_LEN); // 16 bytes
export const EXEMPLAR_AS_INT = tag(6, WIRE_I64); // sfixed64

// trace.v1.Span
export const SPAN_TRACE_ID = tag(1, WIRE_LEN); // 16 bytes
export const SPAN_SPAN_ID = tag(2, WIRE_LEN); // 8 bytes
export const SPAN_PARENT_SPAN_ID = tag(4, WIRE_LEN); // 8 bytes or empty
export const SPAN_NAME = tag(5, WIRE_LEN);
export const SPAN_KIND = tag(6, WIRE_VARINT); // SpanKind
export const SPAN_START_TIME = tag(7, WIRE_I64); // fixed64
export const SPAN_END_TIME = tag(8, WIRE_I64); // fixed64
export const SPAN_ATTRIBUTES = tag(9, WIRE_LEN);
export const SPAN_STATUS = tag(15, WIRE_LEN); // Status

// trace.v1.Status (field 1 is the retired deprecated_code)
export const STATUS_MESSAGE = tag(2, WIRE_LEN);
export const STATUS_CODE = tag(3, WIRE_VARINT); // StatusCode

// collector.*.v1.Export*ServiceResponse / Export*PartialSuccess
export const RESPONSE_PARTIAL_SUCCESS = tag(1, WIRE_LEN);
export const PARTIAL_REJECTED = tag(1, WIRE_VARINT); // int64 rejected_{data_points,spans,log_records}
export const PARTIAL_ERROR_MESSAGE = tag(2, WIRE_LEN);
