import { PARTIAL_ERROR_MESSAGE, PARTIAL_REJECTED, RESPONSE_PARTIAL_SUCCESS } from './proto-fields.js';

export type Signal = 'metrics' | 'traces' | 'logs';
export type OtlpFormat = 'protobuf' | 'json';
export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** JSON name of the rejected-count field of Export{Metrics,Trace,Logs}PartialSuccess. */
const REJECTED_JSON_NAME: Record<Signal, string> = {
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
};

const encoder = new TextEncoder();

/**
 * Export{Metrics,Trace,Logs}ServiceResponse. Without a partial success (or with nothing in it) the
 * message is empty: zero bytes in protobuf, `{}` in JSON. As in proto3, zero / empty fields are left out;
 * int64 is a decimal string in JSON.
 */
export function encodeExportResponse(
  signal: Signal,
  format: OtlpFormat,
  partial?: PartialSuccess,
): Uint8Array {
  if (!Object.hasOwn(REJECTED_JSON_NAME, signal))
    throw new TypeError(`unknown OTLP signal ${String(signal)}`);
  if (format !== 'protobuf' && format !== 'json')
    throw new TypeError(`unknown OTLP format ${String(format)}`);
  const rejected = partial?.rejected ?? 0;
  const message = partial?.errorMessage ?? '';
  if (!Number.isSafeInteger(rejected) || rejected < 0) {
    throw new RangeError(`partial success rejected count must be a non-negative integer, got ${rejected}`);
  }
  const empty = rejected === 0 && message === '';
  if (format === 'json') {
    if (empty) return encoder.encode('{}');
    const inner: Record<string, string> = {};
    if (rejected !== 0) inner[REJECTED_JSON_NAME[signal]] = String(rejected);
    if (message !== '') inner.errorMessage = message;
    return encoder.encode(JSON.stringify({ partialSuccess: inner }));
  }
  if (empty) return new Uint8Array(0);
  const text = encoder.encode(message);
  const inner: number[] = [];
  if (rejected !== 0) {
    inner.push(PARTIAL_REJECTED);
    pushVarint(inner, rejected);
  }
  if (text.length !== 0) {
    inner.push(PARTIAL_ERROR_MESSAGE);
    pushVarint(inner, text.length);
  }
  const head: number[] = [RESPONSE_PARTIAL_SUCCESS];
  pushVarint(head, inner.length + text.length);
  const out = new Uint8Array(head.length + inner.length + text.length);
  out.set(head, 0);
  out.set(inner, head.length);
  out.set(text, head.length + inner.length);
  return out;
}

/** Unsigned varint of a safe integer (division, not bit shifts, so values above 2^31 stay exact). */
function pushVarint(into: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    into.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  into.push(v);
}
