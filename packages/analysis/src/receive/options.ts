/** Settings of the OTLP receiver. */
export interface IngestOptions {
  /** Required bearer token for ingest. Default: env `MODELPULSE_INGEST_TOKEN`, else none. */
  ingestToken?: string;
  /** Largest accepted body, after decompression, in bytes. Default 32 MiB. */
  bodyLimit: number;
  /** Exports processed at once before answering 429 with Retry-After. Default 16. */
  maxInFlight: number;
}
