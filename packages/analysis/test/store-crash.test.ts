import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../src/store/index.js';

/**
 * A child process ingests and is killed with SIGKILL (no close, no exit handlers, no checkpoint): a new
 * Store.open on the file must see every ingest that returned, and no part of one that did not.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const STORE = pathToFileURL(fileURLToPath(new URL('../src/store/index.ts', import.meta.url))).href;
const DECODE = pathToFileURL(fileURLToPath(new URL('../src/receive/otlp/index.ts', import.meta.url))).href;
const T0 = 28_333_333 * 60_000;
const POINTS_PER_REQUEST = 10;

const CHILD = `
import { Store } from ${JSON.stringify(STORE)};
import { decodeMetricsRequest } from ${JSON.stringify(DECODE)};
import { gzipSync } from 'node:zlib';
const [path, mode] = process.argv.slice(2);
const T0 = ${T0};
const ns = (ms) => BigInt(ms) * 1_000_000n;
const MODEL = { 'ml.model.name': 'loan', 'ml.model.version': '3' };
const resource = { 'service.name': 'loan-api', 'service.instance.id': 'a' };
const scope = { name: '@modelpulse/otel', version: '0.1.0' };
// 'logged': bodies go to the ingest log and the rows stay in memory until a checkpoint (every 20 ms here)
const store = Store.open(mode.startsWith('logged') ? { path, checkpointIntervalMs: 20 } : { path });
/** The same delta export as OTLP/JSON text, as the receiver gets it. */
function deltaBody(i) {
  const dataPoints = Array.from({ length: ${POINTS_PER_REQUEST} }, (_, j) => ({
    attributes: Object.entries(MODEL).map(([key, v]) => ({ key, value: { stringValue: v } })),
    startTimeUnixNano: String(ns(T0 + i * 1000 + j * 10)),
    timeUnixNano: String(ns(T0 + i * 1000 + j * 10 + 5)),
    asInt: '1',
  }));
  const metric = { name: 'ml.outcome', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
  const rattrs = Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return Buffer.from(JSON.stringify({ resourceMetrics: [{ resource: { attributes: rattrs }, scopeMetrics: [{ scope, metrics: [metric] }] }] }));
}
function deltaRequest(i) {
  const points = Array.from({ length: ${POINTS_PER_REQUEST} }, (_, j) => ({
    attributes: MODEL,
    startTimeUnixNano: ns(T0 + i * 1000 + j * 10),
    timeUnixNano: ns(T0 + i * 1000 + j * 10 + 5),
    value: 1,
  }));
  const metric = { name: 'ml.outcome', unit: '', description: '', type: 'sum', temporality: 'delta', monotonic: true, points };
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [metric] }] }] };
}
if (mode === 'once') {
  const histogram = {
    name: 'ml.prediction.score', unit: '1', description: '', type: 'histogram', temporality: 'cumulative',
    points: [{ attributes: MODEL, startTimeUnixNano: ns(T0), timeUnixNano: ns(T0 + 10_000), count: 6, sum: 2,
      bounds: [0.5, 1], counts: [1, 2, 3], exemplars: [] }],
  };
  store.ingestMetrics({ resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [histogram] }] }] }, T0);
  store.ingestTraces({ spans: [{ resource, scope, traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'ml.predict loan',
    kind: 1, startTimeUnixNano: ns(T0), endTimeUnixNano: ns(T0 + 3),
    attributes: { ...MODEL, 'ml.holdout': true, 'ml.prediction.id': 'app-1', 'ml.prediction.score': 0.7 },
    status: { code: 0, message: '' } }] }, T0);
  process.stdout.write('committed\\n');
  setInterval(() => {}, 1000);
} else if (mode.startsWith('logged')) {
  for (let i = 0; ; i++) {
    const body = deltaBody(i);
    // 'logged-gzip': the body arrived gzip-compressed and is logged that way
    const source = mode === 'logged-gzip'
      ? { body: gzipSync(body), format: 'json', gunzippedBytes: body.byteLength }
      : { body, format: 'json' };
    store.ingestMetrics(decodeMetricsRequest(body, 'json'), T0, source);
    process.stdout.write(i + 1 + '\\n');
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
} else {
  for (let i = 0; ; i++) {
    store.ingestMetrics(deltaRequest(i), T0);
    process.stdout.write(i + 1 + '\\n');
    // yield now and then so the parent's kill lands anywhere, inside an ingest or between two
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
}
`;

let dir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-crash-'));
  writeFileSync(join(dir, 'child.mjs'), CHILD);
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the child, SIGKILLs it once `enough(line)` holds and resolves with the last line it wrote. */
function runAndKill(path: string, mode: string, enough: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(dir, 'child.mjs'), path, mode],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let out = '';
    let err = '';
    let last = '';
    let killed = false;
    proc.stdout?.setEncoding('utf8');
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => {
      err += d;
    });
    proc.stdout?.on('data', (d: string) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        last = line;
        if (!killed && enough(line)) {
          killed = true;
          proc.kill('SIGKILL');
        }
      }
    });
    proc.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe('durability across SIGKILL', () => {
  it('sees an ingest that returned right before the process was killed', async () => {
    const path = join(dir, 'once.db');
    await runAndKill(path, 'once', (line) => line === 'committed');
    expect(existsSync(`${path}-wal`)).toBe(true); // killed before any close or checkpoint: recovery reads the WAL

    const store = Store.open({ path });
    try {
      const [h] = store.histograms({
        model: 'loan',
        instrument: 'ml.prediction.score',
        fromMs: T0,
        toMs: T0 + 60_000,
      });
      expect(h).toMatchObject({ count: 6, sum: 2, counts: [1, 2, 3] });
      expect(store.predictionSpans({ model: 'loan', ids: ['app-1'] }).map((p) => p.score)).toEqual([0.7]);
      expect(store.models().map((m) => m.name)).toEqual(['loan']);
    } finally {
      store.close();
    }
  }, 30_000);

  it.each([
    ['written at once', 'loop'],
    ['logged and checkpointed later', 'logged'],
    ['logged gzip-compressed as received', 'logged-gzip'],
  ])(
    'keeps every returned ingest and no part of an interrupted one (%s)',
    async (_, mode) => {
      const path = join(dir, `${mode}.db`);
      const last = Number(await runAndKill(path, mode as string, (line) => Number(line) >= 300));
      const store = Store.open({ path });
      try {
        const [c] = store.counters({
          model: 'loan',
          instrument: 'ml.outcome',
          fromMs: 0,
          toMs: T0 + 10_000_000,
        });
        const total = c?.value ?? 0;
        // every request adds POINTS_PER_REQUEST; the one in flight when killed is all or nothing
        expect(total % POINTS_PER_REQUEST).toBe(0);
        expect(total / POINTS_PER_REQUEST).toBeGreaterThanOrEqual(last);
        expect(total / POINTS_PER_REQUEST).toBeLessThanOrEqual(last + 1);
      } finally {
        store.close();
      }
    },
    30_000,
  );
});
