/**
 * Ingest throughput of the OTLP receiver: histogram data points per second through the whole receive
 * path (Hono app → decode → SQLite store, committed), beside decoding alone, on the same captured
 * exporter bodies in the same run. Not a test: nothing fails on timing.
 *
 *   npx -y pnpm@12.4.2 --filter @modelpulse/analysis bench   (BENCH_REPEATS, BENCH_EXPORTS to tune)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { createApp } from '../src/app.js';
import { decodeMetricsRequest } from '../src/receive/otlp/index.js';
import { Store, type StoreOptions } from '../src/store/index.js';

const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const exports = Number(process.env.BENCH_EXPORTS ?? 40);
const SERIES = 1000; // histogram data points per export: 50 features × 20 categories of attributes
const bounds = Array.from({ length: 21 }, (_, k) => k / 20);

/** Captures `exports` successive cumulative exports of 1 000 histogram points (22 buckets each). */
async function capture(makeExporter: (url: string) => PushMetricExporter): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  const reader = new PeriodicExportingMetricReader({
    exporter: makeExporter(url),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'service.instance.id': 'i-1' }),
    readers: [reader],
  });
  const histogram = provider
    .getMeter('@modelpulse/otel')
    .createHistogram('ml.feature.quantile', { advice: { explicitBucketBoundaries: bounds } });
  const attributes = Array.from({ length: SERIES }, (_, i) => ({
    'ml.model.name': 'bench',
    'ml.model.version': '1',
    'ml.feature.name': `f${i % 50}`,
    'ml.feature.slot': i,
  }));
  for (let e = 0; e < exports; e++) {
    for (let i = 0; i < SERIES; i++) histogram.record(((i * 7 + e * 13) % 100) / 99, attributes[i]);
    await reader.forceFlush();
  }
  await provider.shutdown();
  server.close();
  return bodies;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

async function measure(format: 'protobuf' | 'json', bodies: Buffer[]) {
  const decodeMs: number[] = [];
  const ingestMs: number[] = [];
  const everyMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    for (const body of bodies) decodeMetricsRequest(body, format);
    decodeMs.push(performance.now() - start);

    ingestMs.push(await ingest(format, bodies, {}));
    everyMs.push(await ingest(format, bodies, { checkpointBytes: 1 }));
  }
  const points = bodies.length * SERIES;
  return {
    format,
    points,
    bytesPerExport: Math.round(bodies.reduce((a, b) => a + b.byteLength, 0) / bodies.length),
    decodePointsPerSecond: points / (median(decodeMs) / 1000),
    ingestPointsPerSecond: points / (median(ingestMs) / 1000),
    ingestOverDecode: median(ingestMs) / median(decodeMs),
    checkpointEveryExportPointsPerSecond: points / (median(everyMs) / 1000),
    checkpointEveryExportOverDecode: median(everyMs) / median(decodeMs),
  };
}

/**
 * Milliseconds to acknowledge every export through the Hono app and then checkpoint (so that everything is
 * written to its rows, as a read would see it). With the default options the 41 exports of the same
 * series share one checkpoint; `checkpointBytes: 1` writes the rows after every export (no coalescing).
 */
async function ingest(format: 'protobuf' | 'json', bodies: Buffer[], options: Partial<StoreOptions>) {
  const dir = mkdtempSync(join(tmpdir(), 'modelpulse-bench-'));
  const store = Store.open({ path: join(dir, 'bench.db'), ...options });
  const app = createApp({ store });
  const type = format === 'json' ? 'application/json' : 'application/x-protobuf';
  const start = performance.now();
  for (const body of bodies) {
    const response = await app.request('/v1/metrics', {
      method: 'POST',
      body,
      headers: { 'content-type': type },
    });
    if (response.status !== 200)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  }
  store.checkpoint();
  const ms = performance.now() - start;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const results = [
  await measure('protobuf', await capture((url) => new ProtoExporter({ url }))),
  await measure('json', await capture((url) => new JsonExporter({ url }))),
];
writeFileSync(
  join(import.meta.dirname, 'results', 'latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, exports, pointsPerExport: SERIES, results }, null, 2)}\n`,
);
console.log(
  '| format | points | decode only (points/s) | ingest: HTTP app + decode + log commit + checkpoint (points/s) | ingest ÷ decode | checkpoint after every export (points/s) | ÷ decode |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.format} | ${r.points} | ${Math.round(r.decodePointsPerSecond)} | ${Math.round(r.ingestPointsPerSecond)} | ${r.ingestOverDecode.toFixed(2)}× | ${Math.round(r.checkpointEveryExportPointsPerSecond)} | ${r.checkpointEveryExportOverDecode.toFixed(2)}× |`,
  );
}
