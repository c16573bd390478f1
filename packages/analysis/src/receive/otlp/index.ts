/**
 * OTLP/HTTP bodies (protobuf or JSON, already un-gzipped) → the plain shapes of `../model.ts`, and the
 * Export*ServiceResponse bodies. Decisions shared by both formats:
 * - Unknown fields are skipped (protobuf: any wire type; a known field with the wrong wire type counts as
 *   unknown, as in protobuf-go). Wire types 3/4 (groups), 6 and 7 are malformed.
 * - NaN / ±Infinity values (number points, histogram sum / min / max, exemplars) are decoded as such; the
 *   store decides what to refuse. Histogram bounds must be finite and strictly increasing, and
 *   bucket_counts must be empty or bounds + 1 long, or the request is refused.
 * - Points flagged FLAG_NO_RECORDED_VALUE are dropped; exemplars without a value are dropped.
 * - Counts (fixed64) must be below 2^53; metric int values become the nearest double; int attributes
 *   beyond 2^53 stay exact as decimal-digit strings; times are bigint nanoseconds.
 */
export { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from './decode.js';
export {
  encodeExportResponse,
  type OtlpFormat,
  type PartialSuccess,
  type Signal,
} from './encode-response.js';
export { OtlpDecodeError } from './errors.js';
