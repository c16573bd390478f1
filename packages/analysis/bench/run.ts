/**
 * Ingest throughput of the OTLP receiver: histogram data points per second through the store (decode →
 * apply → ingest log, acknowledged and checkpointed) and through the served app over loopback HTTP, beside
 * two baselines in the same run on the same captured exporter bodies: decoding alone, and a bare HTTP
 * server that only reads the bodies. The exports are a minute apart, as the SDK's default interval makes
 * them, and the store checkpoints after each one, as a server that checkpoints every 30 s does when each
 * series is exported once a minute: every point adds a row. Not a test: nothing fails on timing.
 *
 *   npx -y pnpm@12.4.2 --filter @modelpulse/analysis bench   (BENCH_REPEATS, BENCH_WARMUP, BENCH_EXPORTS
 *   to tune)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
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

/**
 * Captures `exports` + 1 successive exports (the last at shutdown; cumulative unless the exporter asks for
 * delta) of 1 000 histogram points (22 buckets each), a minute apart: the SDK's clock (`Date.now`, which
 * stamps each collection) is moved on a minute per export.
 */
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
  const realNow = Date.now;
  const startMs = realNow();
  try {
    for (let e = 0; e < exports; e++) {
      Date.now = () => startMs + e * 60_000;
      for (let i = 0; i < SERIES; i++) histogram.record(((i * 7 + e * 13) % 100) / 99, attributes[i]);
      await reader.forceFlush();
    }
    Date.now = () => startMs + exports * 60_000;
    await provider.shutdown(); // exports once more
  } finally {
    Date.now = realNow;
  }
  server.close();
  return bodies;
}

/** Fails unless the captured exports are a minute apart (in case the SDK stops stamping with Date.now). */
function checkMinuteApart(bodies: Buffer[], format: Format): Buffer[] {
  const timeOf = (body: Buffer) => {
    const metric = decodeMetricsRequest(body, format).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    const point = metric && metric.type === 'histogram' ? metric.points[0] : undefined;
    if (!point) throw new Error('a captured export has no histogram point');
    return Number(point.timeUnixNano / 1_000_000n);
  };
  const spanMs = timeOf(bodies.at(-1) as Buffer) - timeOf(bodies[0] as Buffer);
  if (Math.round(spanMs / 60_000) !== bodies.length - 1)
    throw new Error(`captured exports span ${spanMs} ms, not ${bodies.length - 1} minutes`);
  return bodies;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

/** A checkpoint after every export (any logged body reaches 1 byte), as the exports are a minute apart. */
const EVERY_EXPORT: Partial<StoreOptions> = { checkpointBytes: 1 };

/**
 * The ways an export reaches the store. Each starts from a store that has seen the first export (its 1 000
 * series registered, as on a server past its first minute; that export's cost is measured on its own) and
 * is timed over the other exports until every one is acknowledged and checkpointed.
 */
const PATHS = {
  /** the receiver's work without HTTP: decode, apply, append to the ingest log, checkpoint (its rows) */
  store: (kind: Kind, bodies: Buffer[]) => viaStore(kind, bodies, EVERY_EXPORT),
  /** the same with one checkpoint for all 40 exports at the end: what the checkpoints cost, by difference */
  storeOneCheckpoint: (kind: Kind, bodies: Buffer[]) => viaStore(kind, bodies, {}),
  /** the served app (`@hono/node-server`) over real HTTP on loopback, client in another process */
  http: (kind: Kind, bodies: Buffer[]) => viaHttp(kind, bodies),
  /** the same client against a bare server that only reads the bodies: the transport's own cost */
  transport: (kind: Kind, bodies: Buffer[]) => transportOnly(kind, bodies),
};
type Format = 'protobuf' | 'json';
/** How the exports arrive: the Collector's `otlp_http` exporter sends protobuf with gzip by default. */
interface Kind {
  name: string;
  format: Format;
  gzip: boolean;
}

/** The body to decode: after gzip. */
function received(kind: Kind, body: Buffer): Buffer {
  return kind.gzip ? gunzipSync(body) : body;
}

/** What the receiver does with a body once it has it: gunzip, decode, apply, log it as it arrived. */
function ingestBody(store: Store, kind: Kind, body: Buffer) {
  const decoded = received(kind, body);
  const { format } = kind;
  const source = kind.gzip ? { body, format, gunzippedBytes: decoded.byteLength } : { body, format };
  return store.ingestMetrics(decodeMetricsRequest(decoded, format), Date.now(), source);
}

async function measure(kind: Kind, bodies: Buffer[]) {
  const decodeMs: number[] = [];
  const firstMs: number[] = [];
  const pathMs: Record<keyof typeof PATHS, number[]> = {
    store: [],
    storeOneCheckpoint: [],
    http: [],
    transport: [],
  };
  const timed = bodies.slice(1);
  // The first rounds are not timed: they run while the JIT is still compiling the receive path, which a
  // server ingesting around the clock leaves behind after its first minutes.
  for (let r = -warmup; r < repeats; r++) {
    // Decoding twice, keeping the faster: the first pass after other work can pay for page faults in
    // fresh memory (gunzip's output above all), and the baseline should not look slower than it is.
    const passes = [0, 1].map(() => {
      const start = performance.now();
      for (const body of timed) decodeMetricsRequest(received(kind, body), kind.format);
      return performance.now() - start;
    });
    if (r >= 0) decodeMs.push(Math.min(...passes));
    const first = primed(kind, bodies);
    if (r >= 0) firstMs.push(first.ms);
    first.close();
    for (const [name, run] of Object.entries(PATHS)) {
      const ms = await run(kind, bodies);
      if (r >= 0) pathMs[name as keyof typeof PATHS].push(ms);
    }
  }
  const points = timed.length * SERIES;
  const rate = (ms: number[]) => points / (median(ms) / 1000);
  const ratio = (ms: number[]) => median(ms) / median(decodeMs);
  return {
    format: kind.name,
    points,
    bytesPerExport: Math.round(bodies.reduce((a, b) => a + b.byteLength, 0) / bodies.length),
    decodePointsPerSecond: rate(decodeMs),
    /** decoding and storing the first export, which registers its 1 000 series */
    firstExportMs: median(firstMs),
    ingest: Object.fromEntries(
      Object.entries(pathMs).map(([name, ms]) => [
        name,
        { pointsPerSecond: rate(ms), overDecode: ratio(ms) },
      ]),
    ) as Record<keyof typeof PATHS, { pointsPerSecond: number; overDecode: number }>,
    /** the served app's time over the bare server's: what the receiver adds to moving the bytes */
    httpOverTransport: median(pathMs.http) / median(pathMs.transport),
  };
}

/** A new store in a new directory, with the first export ingested (timed on its own). */
function primed(kind: Kind, bodies: Buffer[], options: Partial<StoreOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'modelpulse-bench-'));
  const store = Store.open({ path: join(dir, 'bench.db'), ...options });
  const start = performance.now();
  ingestBody(store, kind, bodies[0] as Buffer);
  const ms = performance.now() - start;
  return {
    dir,
    store,
    ms,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the receiver does with a body once it has it, in process. */
async function viaStore(kind: Kind, bodies: Buffer[], options: Partial<StoreOptions>) {
  const run = primed(kind, bodies, options);
  const start = performance.now();
  for (let i = 1; i < bodies.length; i++) {
    const result = ingestBody(run.store, kind, bodies[i] as Buffer);
    if (result.rejected > 0) throw new Error(`ingest rejected points: ${result.errors.join('; ')}`);
  }
  run.store.checkpoint();
  const ms = performance.now() - start;
  run.close();
  return ms;
}

/** First request in and last answer out, as the server sees them. */
class Span {
  first = Number.NaN;
  last = Number.NaN;
  begin(): void {
    if (Number.isNaN(this.first)) this.first = performance.now();
  }
  end(): void {
    this.last = performance.now();
  }
  get ms(): number {
    return this.last - this.first;
  }
}

/** Writes the bodies after the first (the primed one) to files for the client process. */
function bodyFiles(dir: string, bodies: Buffer[]): string {
  const bodyDir = join(dir, 'bodies');
  mkdirSync(bodyDir);
  bodies.slice(1).forEach((body, i) => {
    writeFileSync(join(bodyDir, String(i).padStart(4, '0')), body);
  });
  return bodyDir;
}

/** Runs the client process, which POSTs every body in `bodyDir` to `url` 4 at a time, until it exits. */
async function sendFromClient(url: string, kind: Kind, bodyDir: string): Promise<void> {
  const type = kind.format === 'json' ? 'application/json' : 'application/x-protobuf';
  const args = [url, type, bodyDir, '4', kind.gzip ? 'gzip' : ''];
  const client = spawn(process.execPath, [join(import.meta.dirname, 'post-client.mjs'), ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
  if (code !== 0) throw new Error(`the bench client failed (exit ${code})`);
}

async function listening(server: Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
}

/**
 * Milliseconds from the first export reaching the server until the last is acknowledged, plus the
 * checkpoint that writes their rows (as a read would see them), over real HTTP on loopback: the server
 * (this process, one thread) runs the app with @hono/node-server, a client process sends the bodies 4 at a
 * time from the other core.
 */
async function viaHttp(kind: Kind, bodies: Buffer[]) {
  const run = primed(kind, bodies, EVERY_EXPORT);
  const bodyDir = bodyFiles(run.dir, bodies);
  const app = createApp({ store: run.store });
  const span = new Span();
  const server = serve({
    fetch: async (request, env) => {
      span.begin();
      const response = await app.fetch(request, env);
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
      span.end();
      return response;
    },
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  await sendFromClient(await listening(server), kind, bodyDir);
  const start = performance.now();
  run.store.checkpoint();
  const ms = span.ms + (performance.now() - start);
  await new Promise((resolve) => server.close(resolve));
  run.close();
  return ms;
}

/**
 * The same client and bodies against a bare `node:http` server that reads each body into one reused
 * buffer and answers 200: what moving the bytes costs on this machine, with no decoding or storing.
 */
async function transportOnly(kind: Kind, bodies: Buffer[]) {
  const dir = mkdtempSync(join(tmpdir(), 'modelpulse-bench-'));
  const bodyDir = bodyFiles(dir, bodies);
  const buffer = Buffer.allocUnsafeSlow(Math.max(...bodies.map((b) => b.byteLength)));
  const type = kind.format === 'json' ? 'application/json' : 'application/x-protobuf';
  const span = new Span();
  const server = createServer((request, response) => {
    span.begin();
    let at = 0;
    request.on('data', (chunk: Buffer) => {
      buffer.set(chunk, at);
      at += chunk.byteLength;
    });
    request.on('end', () => {
      response.writeHead(200, { 'content-type': type }).end();
      span.end();
    });
  }).listen(0, '127.0.0.1');
  await sendFromClient(await listening(server), kind, bodyDir);
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  return span.ms;
}

const protobuf = checkMinuteApart(await capture((url) => new ProtoExporter({ url })), 'protobuf');
const results = [
  await measure({ name: 'protobuf', format: 'protobuf', gzip: false }, protobuf),
  // As the Collector sends them (gzip at Go's default level, 6)
  await measure(
    { name: 'protobuf + gzip', format: 'protobuf', gzip: true },
    protobuf.map((body) => gzipSync(body, { level: 6 })),
  ),
  await measure(
    { name: 'json', format: 'json', gzip: false },
    checkMinuteApart(await capture((url) => new JsonExporter({ url })), 'json'),
  ),
  // Exporters set to delta temporality: each point is also a key to drop a retried export by
  await measure(
    { name: 'protobuf, delta', format: 'protobuf', gzip: false },
    checkMinuteApart(
      await capture(
        (url) => new ProtoExporter({ url, temporalityPreference: AggregationTemporalityPreference.DELTA }),
      ),
      'protobuf',
    ),
  ),
];
writeFileSync(
  join(import.meta.dirname, 'results', 'latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, warmup, exports, pointsPerExport: SERIES, results }, null, 2)}\n`,
);
const f = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(
  '| format | decode only (points/s) | decode + store, in process | … one checkpoint for all 40 | served, over loopback HTTP | bare HTTP server, reading only | first export (1 000 new series) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const cell = (p: { pointsPerSecond: number; overDecode: number }) =>
    `${f(p.pointsPerSecond)} (${p.overDecode.toFixed(2)}× decode)`;
  console.log(
    `| ${r.format} | ${f(r.decodePointsPerSecond)} | ${cell(r.ingest.store)} | ${cell(r.ingest.storeOneCheckpoint)} | ${cell(r.ingest.http)}, ${r.httpOverTransport.toFixed(2)}× bare | ${f(r.ingest.transport.pointsPerSecond)} | ${r.firstExportMs.toFixed(1)} ms |`,
  );
}
