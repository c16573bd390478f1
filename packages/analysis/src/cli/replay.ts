import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { MetricsRequest } from '../receive/model.js';
import { decodeMetricsRequest, decodeTracesRequest, OtlpDecodeError } from '../receive/otlp/index.js';
import { Store } from '../store/index.js';
import { ProgressBar } from './progress.js';

export interface ReplaySummary {
  lines: number;
  metricPoints: { accepted: number; rejected: number };
  spans: { accepted: number; rejected: number };
  /** log export lines: received, not stored */
  skippedLines: number;
  /** lines that are not an OTLP/JSON export request, or a malformed one */
  failedLines: number;
  errors: string[];
}

/** Where the replayed exports go: the database file, or a running service over OTLP/HTTP. */
interface Sink {
  metrics(line: Buffer): Promise<{ accepted: number; rejected: number }>;
  traces(line: Buffer): Promise<{ accepted: number; rejected: number }>;
  close(): void;
}

/**
 * Ingests a file written by the Collector's `file` exporter (JSON lines, one ExportMetricsServiceRequest
 * or ExportTraceServiceRequest per line) into the store, line by line, with a progress bar. A bad line
 * (malformed, or not an export request at all) is reported with its number and skipped; the others are
 * still ingested. Log export lines are counted as skipped. With `to.url` the lines are sent to a running
 * service's OTLP endpoints instead, which then sees them at once (a service does not see rows another
 * process writes into its file until it restarts).
 */
export async function replay(
  file: string,
  to: string | { url: string; token?: string },
  progressTo: NodeJS.WritableStream,
): Promise<ReplaySummary> {
  const total = statSync(file).size;
  const sink = typeof to === 'string' ? storeSink(to) : httpSink(to.url, to.token);
  const bar = new ProgressBar(total, progressTo, 'replay');
  const summary: ReplaySummary = {
    lines: 0,
    metricPoints: { accepted: 0, rejected: 0 },
    spans: { accepted: 0, rejected: 0 },
    skippedLines: 0,
    failedLines: 0,
    errors: [],
  };
  let read = 0;
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      summary.lines++;
      read += Buffer.byteLength(line) + 1;
      bar.update(read);
      if (line.trim() === '') continue;
      const bytes = Buffer.from(line, 'utf8');
      try {
        if (line.includes('"resourceMetrics"') || line.includes('"resource_metrics"')) {
          add(summary.metricPoints, await sink.metrics(bytes));
        } else if (line.includes('"resourceSpans"') || line.includes('"resource_spans"')) {
          add(summary.spans, await sink.traces(bytes));
        } else if (line.includes('"resourceLogs"') || line.includes('"resource_logs"')) {
          summary.skippedLines++; // logs are received but not stored
        } else {
          throw new OtlpDecodeError(
            'not an OTLP/JSON export request (no resourceMetrics, resourceSpans or resourceLogs)',
          );
        }
      } catch (error) {
        if (!(error instanceof OtlpDecodeError || error instanceof SyntaxError)) throw error;
        summary.failedLines++;
        if (summary.errors.length < 20) summary.errors.push(`line ${summary.lines}: ${error.message}`);
      }
    }
  } finally {
    bar.done();
    sink.close();
  }
  return summary;
}

function add(into: { accepted: number; rejected: number }, r: { accepted: number; rejected: number }) {
  into.accepted += r.accepted;
  into.rejected += r.rejected;
}

function storeSink(dbPath: string): Sink {
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const store = Store.open({ path: dbPath });
  return {
    metrics: async (line) =>
      store.ingestMetrics(decodeMetricsRequest(line, 'json'), Date.now(), { body: line, format: 'json' }),
    traces: async (line) => store.ingestTraces(decodeTracesRequest(line, 'json'), Date.now()),
    close: () => store.close(),
  };
}

/** Attempts per line while the service answers 429 or 503 (it sends Retry-After). */
const ATTEMPTS = 10;

/**
 * Posts each line as it is to the service. A line is decoded here first: a malformed one fails without
 * being sent, and the points it holds give the accepted count (the service answers rejections only).
 */
function httpSink(url: string, token: string | undefined): Sink {
  const send = async (signal: 'metrics' | 'traces', line: Buffer, points: number) => {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${url}/v1/${signal}`, {
          method: 'POST',
          body: line,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string } }).cause;
        throw new Error(`cannot reach the service at ${url} (${cause?.code ?? (error as Error).message}).`);
      }
      const text = await response.text();
      const body = parse(text);
      if (response.ok) {
        const rejected = Number(
          body?.partialSuccess?.[signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedSpans'] ?? 0,
        );
        return { accepted: points - rejected, rejected };
      }
      const message = body?.message ?? (text.trim() || response.statusText);
      if ((response.status === 429 || response.status === 503) && attempt < ATTEMPTS) {
        const seconds = Number(response.headers.get('retry-after'));
        await new Promise((resolve) => setTimeout(resolve, 1000 * (seconds > 0 ? Math.min(seconds, 30) : 1)));
        continue;
      }
      if (
        response.status >= 400 &&
        response.status < 500 &&
        response.status !== 401 &&
        response.status !== 429
      )
        throw new OtlpDecodeError(`the service answered ${response.status}: ${message}`);
      // Unauthorized, or the service stays unavailable: nothing later would get through either.
      const hint = response.status === 401 ? ' (set MODELPULSE_INGEST_TOKEN to its ingest token)' : '';
      throw new Error(`${url} answered ${response.status}: ${message}${hint}`);
    }
  };
  return {
    metrics: (line) => send('metrics', line, pointsOf(decodeMetricsRequest(line, 'json'))),
    traces: (line) => send('traces', line, decodeTracesRequest(line, 'json').spans.length),
    close: () => {},
  };
}

function pointsOf(request: MetricsRequest): number {
  let points = 0;
  for (const r of request.resourceMetrics)
    for (const s of r.scopeMetrics)
      for (const m of s.metrics) points += m.type === 'unsupported' ? m.pointCount : m.points.length;
  return points;
}

/** The JSON of an OTLP response or error status; undefined when the body is not JSON. */
function parse(
  text: string,
): { message?: string; partialSuccess?: Record<string, string | number> } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
