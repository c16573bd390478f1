import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type OtlpFormat = 'protobuf' | 'json';

const CONTENT_TYPE: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * An OTLP/HTTP error: the spec wants a `google.rpc.Status` body in the request's encoding for every 4xx
 * and 5xx, so exporters (and people reading logs) see why. `retryAfter` adds the header exporters honour
 * on 429 and 503.
 */
export function otlpError(
  status: ContentfulStatusCode,
  message: string,
  format: OtlpFormat,
  retryAfter?: number,
): HTTPException {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format] };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const body =
    format === 'json'
      ? JSON.stringify({ code: grpcCode(status), message })
      : encodeStatus(grpcCode(status), message);
  return new HTTPException(status, { res: new Response(body, { status, headers }), message });
}

export function contentTypeOf(format: OtlpFormat): string {
  return CONTENT_TYPE[format];
}

/** The gRPC code matching the HTTP status (OTLP maps them the same way). */
function grpcCode(status: number): number {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

/** google.rpc.Status { int32 code = 1; string message = 2; } */
function encodeStatus(code: number, message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const out: number[] = [0x08, ...varint(code), 0x12, ...varint(text.length)];
  return Uint8Array.from([...out, ...text]);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}
