import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
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

/**
 * Ingests a file written by the Collector's `file` exporter (JSON lines, one ExportMetricsServiceRequest
 * or ExportTraceServiceRequest per line) into the store, line by line, with a progress bar. A bad line
 * (malformed, or not an export request at all) is reported with its number and skipped; the others are
 * still ingested. Log export lines are counted as skipped.
 */
export async function replay(
  file: string,
  dbPath: string,
  progressTo: NodeJS.WritableStream,
): Promise<ReplaySummary> {
  const total = statSync(file).size;
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const store = Store.open({ path: dbPath });
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
          const r = store.ingestMetrics(decodeMetricsRequest(bytes, 'json'), Date.now(), {
            body: bytes,
            format: 'json',
          });
          summary.metricPoints.accepted += r.accepted;
          summary.metricPoints.rejected += r.rejected;
        } else if (line.includes('"resourceSpans"') || line.includes('"resource_spans"')) {
          const r = store.ingestTraces(decodeTracesRequest(bytes, 'json'), Date.now());
          summary.spans.accepted += r.accepted;
          summary.spans.rejected += r.rejected;
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
    store.close();
  }
  return summary;
}
