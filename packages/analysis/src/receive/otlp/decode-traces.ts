import type { Attributes, Scope, Span, TracesRequest } from '../model.js';
import { decodeKeyValue, decodeResource, decodeScope } from './decode-common.js';
import {
  REQUEST_RESOURCES,
  RESOURCE_DATA_RESOURCE,
  RESOURCE_DATA_SCOPES,
  SCOPE_DATA_ITEMS,
  SCOPE_DATA_SCOPE,
  SPAN_ATTRIBUTES,
  SPAN_END_TIME,
  SPAN_KIND,
  SPAN_NAME,
  SPAN_PARENT_SPAN_ID,
  SPAN_SPAN_ID,
  SPAN_START_TIME,
  SPAN_STATUS,
  SPAN_TRACE_ID,
  STATUS_CODE,
  STATUS_MESSAGE,
} from './proto-fields.js';
import { WireReader } from './wire-reader.js';

/**
 * ExportTraceServiceRequest from protobuf, flattened. The spans of one ResourceSpans share one resource
 * object (and of one ScopeSpans one scope object); the resource may follow its spans on the wire.
 */
export function decodeTracesProtobuf(body: Uint8Array): TracesRequest {
  const r = new WireReader(body);
  const spans: Span[] = [];
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === REQUEST_RESOURCES) decodeResourceSpans(r, t, spans);
    else r.skip(t);
  }
  return { spans };
}

function decodeResourceSpans(r: WireReader, tag: number, spans: Span[]): void {
  const outer = r.enter(tag);
  const resource: Attributes = {};
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === RESOURCE_DATA_RESOURCE) decodeResource(r, t, resource);
    else if (t === RESOURCE_DATA_SCOPES) decodeScopeSpans(r, t, resource, spans);
    else r.skip(t);
  }
  r.leave(outer);
}

function decodeScopeSpans(r: WireReader, tag: number, resource: Attributes, spans: Span[]): void {
  const outer = r.enter(tag);
  const scope: Scope = { name: '', version: '' };
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === SCOPE_DATA_SCOPE) decodeScope(r, t, scope);
    else if (t === SCOPE_DATA_ITEMS) spans.push(decodeSpan(r, t, resource, scope));
    else r.skip(t);
  }
  r.leave(outer);
}

function decodeSpan(r: WireReader, tag: number, resource: Attributes, scope: Scope): Span {
  const at = r.pos;
  const outer = r.enter(tag);
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: Attributes = {};
  const status = { code: 0, message: '' };
  while (r.pos < r.limit) {
    const t = r.tag();
    switch (t) {
      case SPAN_TRACE_ID:
        traceId = r.hex(t, 16, 'span trace_id');
        break;
      case SPAN_SPAN_ID:
        spanId = r.hex(t, 8, 'span span_id');
        break;
      case SPAN_PARENT_SPAN_ID:
        parentSpanId = r.hex(t, 8, 'span parent_span_id');
        break;
      case SPAN_NAME:
        name = r.string(t);
        break;
      case SPAN_KIND:
        kind = r.int32();
        break;
      case SPAN_START_TIME:
        startTimeUnixNano = r.fixed64(t);
        break;
      case SPAN_END_TIME:
        endTimeUnixNano = r.fixed64(t);
        break;
      case SPAN_ATTRIBUTES:
        decodeKeyValue(r, t, attributes);
        break;
      case SPAN_STATUS:
        decodeStatus(r, t, status);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  if (traceId === '') r.fail(`span at byte ${at} has no trace_id`);
  if (spanId === '') r.fail(`span at byte ${at} has no span_id`);
  const span: Span = {
    resource,
    scope,
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    status,
  };
  if (parentSpanId !== '') span.parentSpanId = parentSpanId;
  return span;
}

function decodeStatus(r: WireReader, tag: number, into: { code: number; message: string }): void {
  const outer = r.enter(tag);
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === STATUS_MESSAGE) into.message = r.string(t);
    else if (t === STATUS_CODE) into.code = r.int32();
    else r.skip(t);
  }
  r.leave(outer);
}
