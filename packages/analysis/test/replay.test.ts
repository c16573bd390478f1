import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createModelMonitor } from '@modelpulse/otel';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '../src/cli/replay.js';
import { startServer } from '../src/index.js';
import { Store } from '../src/store/index.js';
import { startCapture } from './otlp-capture.js';
import { otlpJsonBody, scoreRequest } from './otlp-json.js';

const dir = mkdtempSync(join(tmpdir(), 'modelpulse-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelpulse replay', () => {
  it('ingests a file-exporter JSON-lines file, reports a bad line by number and keeps the rest', async () => {
    // Lines as the Collector's file exporter writes them: one OTLP/JSON export request per line.
    const capture = await startCapture();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${capture.url}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${capture.url}/v1/traces` }))],
    });
    const monitor = createModelMonitor({
      model: { name: 'loan-rejection', version: '3' },
      meter: meterProvider.getMeter('m'),
      tracer: tracerProvider.getTracer('t'),
    });
    const predict = monitor.wrap((score: number) => ({ score, label: 'approve', holdout: false }));
    predict(0.25);
    predict(0.75);
    await reader.forceFlush();
    predict(0.5);
    await reader.forceFlush();
    await tracerProvider.forceFlush();
    await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
    await capture.close();
    const lines = capture.received.map((r) => new TextDecoder().decode(r.body));
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    const file = join(dir, 'otlp.jsonl');
    writeFileSync(file, `${lines[0]}\n{"resourceMetrics": [ broken\n\n${lines.slice(1).join('\n')}\n`);

    const progress = new PassThrough();
    let shown = '';
    progress.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const db = join(dir, 'replay.db');
    const summary = await replay(file, db, progress);

    expect(summary.failedLines).toBe(1);
    expect(summary.errors[0]).toMatch(/^line 2: /);
    expect(summary.spans.accepted).toBe(3);
    expect(shown).toMatch(/replay: 100 %/);
    const store = Store.open({ path: db });
    try {
      const [series] = store.histograms({
        model: 'loan-rejection',
        instrument: 'ml.prediction.score',
        fromMs: 0,
        toMs: Date.now() + 60_000,
      });
      expect(series?.count).toBe(3);
      expect(series?.sum).toBe(1.5);
    } finally {
      store.close();
    }
  });

  it('fails lines that are not export requests at all, and skips log exports, storing nothing', async () => {
    const file = join(dir, 'garbage.jsonl');
    const random = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 151 + 7) % 256)).toString('latin1');
    writeFileSync(file, `hello\n${random}\n{"resourceLogs":[]}\n{"something":"else"}\n`);
    const summary = await replay(file, join(dir, 'garbage.db'), new PassThrough());
    expect(summary.skippedLines).toBe(1);
    expect(summary.failedLines).toBe(3);
    expect(summary.errors[0]).toBe(
      'line 1: not an OTLP/JSON export request (no resourceMetrics, resourceSpans or resourceLogs)',
    );
    expect(summary.errors.map((e) => e.split(':')[0])).toEqual(['line 1', 'line 2', 'line 4']);
    expect(summary.metricPoints.accepted + summary.spans.accepted).toBe(0);
  });

  it('sends the lines to a running service with --url, which answers for them at once', async () => {
    const server = await startServer({ port: 0, dbPath: ':memory:', ingestToken: 'in' });
    try {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      // Two points, one starting after its own time: rejected by the service, the other kept.
      const line = otlpJsonBody(
        scoreRequest({ name: 'm', version: '1' }, [
          { counts: [2, 1], bounds: [0.5], fromNs: nowNs - 60_000_000_000n, toNs: nowNs },
          { counts: [1, 1], bounds: [0.5], fromNs: nowNs + 1n, toNs: nowNs },
        ]),
      ).toString();
      const file = join(dir, 'to-service.jsonl');
      writeFileSync(file, `${line}\n{"resourceMetrics": [ broken\n`);
      await expect(replay(file, { url: server.url }, new PassThrough())).rejects.toThrow(
        `${server.url} answered 401: Ingest requires Authorization: Bearer <MODELPULSE_INGEST_TOKEN>. (set MODELPULSE_INGEST_TOKEN to its ingest token)`,
      );
      const summary = await replay(file, { url: server.url, token: 'in' }, new PassThrough());
      expect(summary.metricPoints).toEqual({ accepted: 1, rejected: 1 });
      expect(summary.failedLines).toBe(1);
      expect(summary.errors[0]).toMatch(/^line 2: /);
      const [series] = server.store.histograms({
        model: 'm',
        instrument: 'ml.prediction.score',
        fromMs: 0,
        toMs: Date.now() + 60_000,
      });
      expect(series?.count).toBe(3);
    } finally {
      await server.close();
    }
  });
});
