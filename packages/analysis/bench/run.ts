/**
 * Ingest throughput of the OTLP receiver: histogram data points per second through the whole receive
 * path (HTTP server → Hono app → decode → store: logged, acknowledged and checkpointed), beside decoding
 * alone, on the same captured exporter bodies in the same run. Not a test: nothing fails on timing.
 *
 *   npx -y pnpm@12.4.2 --filter @modelpulse/analysis bench   (BENCH_REPEATS, BENCH_WARMUP, BENCH_EXPORTS
 *   to tune)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
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
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
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

/** The ways an export reaches the store, each timed until everything is acknowledged and checkpointed. */
const PATHS = {
  /** Hono app called in process (`app.request`), rows written at one checkpoint at the end */
  app: (format: Format, bodies: Buffer[]) => viaApp(format, bodies, {}),
  /** the same with a checkpoint after every export: no row is written once for several exports */
  appEveryExport: (format: Format, bodies: Buffer[]) => viaApp(format, bodies, { checkpointBytes: 1 }),
  /** real HTTP on loopback, client in another process */
  http: (format: Format, bodies: Buffer[]) => viaHttp(format, bodies),
};
type Format = 'protobuf' | 'json';

async function measure(format: Format, bodies: Buffer[]) {
  const decodeMs: number[] = [];
  const pathMs: Record<keyof typeof PATHS, number[]> = { app: [], appEveryExport: [], http: [] };
  // The first rounds are not timed: they run while the JIT is still compiling the receive path, which a
  // server ingesting around the clock leaves behind after its first minutes.
  for (let r = -warmup; r < repeats; r++) {
    const start = performance.now();
    for (const body of bodies) decodeMetricsRequest(body, format);
    if (r >= 0) decodeMs.push(performance.now() - start);
    for (const [name, run] of Object.entries(PATHS)) {
      const ms = await run(format, bodies);
      if (r >= 0) pathMs[name as keyof typeof PATHS].push(ms);
    }
  }
  const points = bodies.length * SERIES;
  const rate = (ms: number[]) => points / (median(ms) / 1000);
  const ratio = (ms: number[]) => median(ms) / median(decodeMs);
  return {
    format,
    points,
    bytesPerExport: Math.round(bodies.reduce((a, b) => a + b.byteLength, 0) / bodies.length),
    decodePointsPerSecond: rate(decodeMs),
    ingest: Object.fromEntries(
      Object.entries(pathMs).map(([name, ms]) => [
        name,
        { pointsPerSecond: rate(ms), overDecode: ratio(ms) },
      ]),
    ) as Record<keyof typeof PATHS, { pointsPerSecond: number; overDecode: number }>,
  };
}

async function viaApp(format: Format, bodies: Buffer[], options: Partial<StoreOptions>) {
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

/**
 * Milliseconds from the first export reaching the server until every export is acknowledged and
 * checkpointed (written to its rows, as a read would see it), over real HTTP on loopback: the server (this
 * process, one thread) runs the app with @hono/node-server, a client process sends the bodies 4 at a time
 * from the other core.
 */
async function viaHttp(format: Format, bodies: Buffer[]) {
  const dir = mkdtempSync(join(tmpdir(), 'modelpulse-bench-'));
  const bodyDir = join(dir, 'bodies');
  mkdirSync(bodyDir);
  bodies.forEach((body, i) => {
    writeFileSync(join(bodyDir, String(i).padStart(4, '0')), body);
  });
  const store = Store.open({ path: join(dir, 'bench.db') });
  const app = createApp({ store });
  let start: number | undefined;
  const server = serve({
    fetch: (request, env) => {
      start ??= performance.now();
      return app.fetch(request, env);
    },
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  const type = format === 'json' ? 'application/json' : 'application/x-protobuf';
  const client = spawn(process.execPath, [join(import.meta.dirname, 'post-client.mjs'), url, type, bodyDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
  if (code !== 0) throw new Error(`the bench client failed (exit ${code})`);
  store.checkpoint();
  const ms = performance.now() - (start as number);
  await new Promise((resolve) => server.close(resolve));
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
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, warmup, exports, pointsPerExport: SERIES, results }, null, 2)}\n`,
);
const f = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(
  '| format | decode only (points/s) | ingest via the app, in process | … checkpoint after every export | … over loopback HTTP |',
);
console.log('|---|---:|---:|---:|---:|');
for (const r of results) {
  const cell = (p: { pointsPerSecond: number; overDecode: number }) =>
    `${f(p.pointsPerSecond)} (${p.overDecode.toFixed(2)}× decode)`;
  console.log(
    `| ${r.format} | ${f(r.decodePointsPerSecond)} | ${cell(r.ingest.app)} | ${cell(r.ingest.appEveryExport)} | ${cell(r.ingest.http)} |`,
  );
}
