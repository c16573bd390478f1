import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { Store } from '../store/index.js';
import { type Body, readBody } from './body.js';
import { BodyBuffers } from './body-buffers.js';
import type { IngestOptions } from './options.js';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  encodeExportResponse,
  OtlpDecodeError,
} from './otlp/index.js';
import { contentTypeOf, type OtlpFormat, otlpError } from './status.js';

type Signal = 'metrics' | 'traces' | 'logs';

/**
 * OTLP/HTTP receiver: `POST /v1/metrics`, `/v1/traces`, `/v1/logs`, protobuf or JSON, optionally gzip.
 * An export is acknowledged (200) only after the store has committed it; malformed bodies get 400 (which
 * exporters do not retry) with the reason, and the store is left untouched.
 */
export function otlpRoutes(store: Store, options: IngestOptions): Hono {
  const app = new Hono();
  const buffers = new BodyBuffers();
  let inFlight = 0;

  const handle = (signal: Signal) =>
    app.post(`/v1/${signal}`, async (c) => {
      const format = formatOf(c.req.header('content-type'));
      if (!format) {
        throw otlpError(
          415,
          `Content-Type must be application/x-protobuf or application/json, got ${c.req.header('content-type') ?? 'none'}.`,
          'json',
        );
      }
      if (
        options.ingestToken !== undefined &&
        c.req.header('authorization') !== `Bearer ${options.ingestToken}`
      ) {
        throw otlpError(401, 'Ingest requires Authorization: Bearer <MODELPULSE_INGEST_TOKEN>.', format);
      }
      if (inFlight >= options.maxInFlight) {
        throw otlpError(429, `More than ${options.maxInFlight} exports in flight; retry later.`, format, 1);
      }
      inFlight++;
      try {
        // Under @hono/node-server the Node request is `c.env.incoming`; in process (`app.request`) there is none.
        const { incoming } = (c.env ?? {}) as Partial<HttpBindings>;
        const body = await readBody(c.req.raw, incoming, buffers, options.bodyLimit, format);
        let result: ReturnType<typeof ingest>;
        try {
          result = ingest(store, signal, body, format, Date.now());
        } finally {
          body.release();
        }
        const partial =
          result.rejected > 0
            ? { rejected: result.rejected, errorMessage: result.errors.slice(0, 5).join('; ') }
            : undefined;
        return c.body(encodeExportResponse(signal, format, partial) as Uint8Array<ArrayBuffer>, 200, {
          'content-type': contentTypeOf(format),
        });
      } finally {
        inFlight--;
      }
    });

  handle('metrics');
  handle('traces');
  handle('logs');
  return app;
}

function ingest(store: Store, signal: Signal, body: Body, format: OtlpFormat, receivedAt: number) {
  const { bytes, gzipped } = body;
  try {
    if (signal === 'metrics') {
      const source = gzipped
        ? { body: gzipped, format, gunzippedBytes: bytes.byteLength }
        : { body: bytes, format };
      return store.ingestMetrics(decodeMetricsRequest(bytes, format), receivedAt, source);
    }
    if (signal === 'traces') return store.ingestTraces(decodeTracesRequest(bytes, format), receivedAt);
    decodeLogsRequest(bytes, format); // validated and acknowledged; modelpulse reads no logs
    return { accepted: 0, rejected: 0, errors: [] as string[] };
  } catch (error) {
    if (error instanceof OtlpDecodeError)
      throw otlpError(400, `Malformed OTLP ${format} ${signal} request: ${error.message}`, format);
    if (isBusy(error)) throw otlpError(503, 'The store is busy; retry later.', format, 1);
    throw error;
  }
}

function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_FULL';
}
