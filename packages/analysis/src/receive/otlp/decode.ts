import type { LogsRequest, MetricsRequest, TracesRequest } from '../model.js';
import { decodeLogsProtobuf } from './decode-logs.js';
import { decodeMetricsProtobuf } from './decode-metrics.js';
import { decodeTracesProtobuf } from './decode-traces.js';
import type { OtlpFormat } from './encode-response.js';
import { decodeLogsJson } from './json-logs.js';
import { decodeMetricsJson } from './json-metrics.js';
import { decodeTracesJson } from './json-traces.js';

/** Decodes an ExportMetricsServiceRequest body (already un-gzipped); malformed input throws OtlpDecodeError. */
export function decodeMetricsRequest(body: Uint8Array, format: OtlpFormat): MetricsRequest {
  return format === 'json' ? decodeMetricsJson(body) : decodeMetricsProtobuf(checked(body, format));
}

/** Decodes an ExportTraceServiceRequest body into flat spans; malformed input throws OtlpDecodeError. */
export function decodeTracesRequest(body: Uint8Array, format: OtlpFormat): TracesRequest {
  return format === 'json' ? decodeTracesJson(body) : decodeTracesProtobuf(checked(body, format));
}

/** Decodes an ExportLogsServiceRequest body, counting its log records; malformed input throws OtlpDecodeError. */
export function decodeLogsRequest(body: Uint8Array, format: OtlpFormat): LogsRequest {
  return format === 'json' ? decodeLogsJson(body) : decodeLogsProtobuf(checked(body, format));
}

/** A wrong format is a bug in the caller, not bad input: TypeError, never OtlpDecodeError. */
function checked(body: Uint8Array, format: OtlpFormat): Uint8Array {
  if (format !== 'protobuf') throw new TypeError(`unknown OTLP format ${String(format)}`);
  return body;
}
