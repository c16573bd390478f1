/**
 * Every malformed OTLP body ends in this error, so the HTTP layer can answer 400 (which exporters do not
 * retry) without mistaking a bug in modelpulse for bad input.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
