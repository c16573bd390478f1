import type { Span, TracesRequest } from '../model.js';
import { OtlpDecodeError } from './errors.js';
import {
  attributes,
  enumValue,
  get,
  hexId,
  list,
  object,
  parseJson,
  resource,
  scope,
  string,
  uint64,
} from './json-common.js';

const SPAN_KIND_NAMES = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** ExportTraceServiceRequest from OTLP/JSON, flattened like the protobuf decoder's. */
export function decodeTracesJson(body: Uint8Array): TracesRequest {
  const root = object(parseJson(body), 'request body');
  const spans: Span[] = [];
  list(get(root, 'resourceSpans', 'resource_spans'), 'resourceSpans').forEach((value, i) => {
    const path = `resourceSpans[${i}]`;
    const rs = object(value, path);
    const res = resource(get(rs, 'resource'), `${path}.resource`);
    list(get(rs, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`).forEach((value, j) => {
      const scopePath = `${path}.scopeSpans[${j}]`;
      const ss = object(value, scopePath);
      const sc = scope(get(ss, 'scope'), `${scopePath}.scope`);
      list(get(ss, 'spans'), `${scopePath}.spans`).forEach((value, k) => {
        spans.push(decodeSpan(value, `${scopePath}.spans[${k}]`, res, sc));
      });
    });
  });
  return { spans };
}

function decodeSpan(value: unknown, path: string, res: Span['resource'], sc: Span['scope']): Span {
  const s = object(value, path);
  const traceId = hexId(get(s, 'traceId', 'trace_id'), `${path}.traceId`, 16);
  const spanId = hexId(get(s, 'spanId', 'span_id'), `${path}.spanId`, 8);
  if (traceId === '') throw new OtlpDecodeError(`${path}: span has no traceId`);
  if (spanId === '') throw new OtlpDecodeError(`${path}: span has no spanId`);
  const parentSpanId = hexId(get(s, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`, 8);
  const statusValue = get(s, 'status');
  const status = statusValue === undefined ? undefined : object(statusValue, `${path}.status`);
  const span: Span = {
    resource: res,
    scope: sc,
    traceId,
    spanId,
    name: string(get(s, 'name'), `${path}.name`),
    kind: enumValue(get(s, 'kind'), `${path}.kind`, SPAN_KIND_NAMES),
    startTimeUnixNano: uint64(
      get(s, 'startTimeUnixNano', 'start_time_unix_nano'),
      `${path}.startTimeUnixNano`,
    ),
    endTimeUnixNano: uint64(get(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`),
    attributes: attributes(get(s, 'attributes'), `${path}.attributes`),
    status: {
      code: status ? enumValue(get(status, 'code'), `${path}.status.code`, STATUS_CODE_NAMES) : 0,
      message: status ? string(get(status, 'message'), `${path}.status.message`) : '',
    },
  };
  if (parentSpanId !== '') span.parentSpanId = parentSpanId;
  return span;
}
