import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import { decodeMetricsRequest } from '../src/receive/otlp/index.js';
import { Store, type StoreOptions } from '../src/store/index.js';
import { forEachEntry } from '../src/store/pack.js';
import { otlpJsonBody } from './otlp-json.js';

/**
 * Exports given with their body are logged and applied in memory; a checkpoint writes them. Whatever the
 * moment of the checkpoint, the stored result must be the one of writing every export at once.
 */

const MIN = 60_000;
const T0 = 28_333_333 * MIN;
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const MODEL = { 'ml.model.name': 'loan', 'ml.model.version': '3' };

function hp(startMs: number, timeMs: number, counts: number[]): HistogramPoint {
  return {
    attributes: { ...MODEL, 'ml.prediction.label': 'reject' },
    startTimeUnixNano: ns(startMs),
    timeUnixNano: ns(timeMs),
    count: counts.reduce((a, b) => a + b, 0),
    sum: counts.reduce((a, c, i) => a + c * (i + 0.25), 0),
    bounds: [0.5, 1],
    counts,
    exemplars: [],
  };
}
const np = (startMs: number, timeMs: number, value: number): NumberPoint => ({
  attributes: { ...MODEL, 'ml.outcome.label': 'bad' },
  startTimeUnixNano: ns(startMs),
  timeUnixNano: ns(timeMs),
  value,
});
const scores = (points: HistogramPoint[], temporality: 'cumulative' | 'delta' = 'cumulative'): Metric => ({
  name: 'ml.prediction.score',
  unit: '1',
  description: '',
  type: 'histogram',
  temporality,
  points,
});
const outcomes = (points: NumberPoint[]): Metric => ({
  name: 'ml.outcome',
  unit: '{outcome}',
  description: '',
  type: 'sum',
  temporality: 'delta',
  monotonic: true,
  points,
});
const request = (metrics: Metric[], instance = 'a'): MetricsRequest => ({
  resourceMetrics: [
    {
      resource: { 'service.name': 'loan-api', 'service.instance.id': instance },
      scopeMetrics: [{ scope: { name: '@modelpulse/otel', version: '0.1.0' }, metrics }],
    },
  ],
});

/** Cumulative steps, a retry, a restart, a second instance, a new minute, delta points and their retry. */
const EXPORTS: [MetricsRequest, number][] = [
  [request([scores([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0 + 10_000],
  [request([scores([hp(T0, T0 + 15_000, [0, 1, 1])])], 'b'), T0 + 15_000],
  [request([scores([hp(T0, T0 + 20_000, [2, 1, 0])]), outcomes([np(T0, T0 + 20_000, 2)])]), T0 + 20_000],
  [request([scores([hp(T0, T0 + 20_000, [2, 1, 0])]), outcomes([np(T0, T0 + 20_000, 2)])]), T0 + 21_000],
  [request([scores([hp(T0 + 25_000, T0 + 30_000, [1, 0, 0])])]), T0 + 30_000],
  [request([scores([hp(T0 + 25_000, T0 + 70_000, [1, 4, 2])])]), T0 + 70_000],
  [request([scores([hp(T0, T0 + 75_000, [0, 3, 1])])], 'b'), T0 + 75_000],
  [request([outcomes([np(T0 + 60_000, T0 + 80_000, 5)])]), T0 + 80_000],
  [request([scores([{ ...hp(T0, T0 + 90_000, [1, 0, 0]), count: 7 }])]), T0 + 90_000], // rejected
];

let dir: string;
const stores: Store[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-checkpoint-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});
function open(name: string, options: Partial<StoreOptions> = {}): Store {
  const store = Store.open({ path: join(dir, name), ...options });
  stores.push(store);
  return store;
}
/** The body of an export as it arrives: plain, or gzip-compressed as exporters send it by default. */
function sent(r: MetricsRequest, gzip: boolean): Uint8Array {
  return gzip ? gzipSync(otlpJsonBody(r)) : otlpJsonBody(r);
}
function logged(store: Store, [r, at]: [MetricsRequest, number], gzip = false) {
  const body = otlpJsonBody(r);
  const source = gzip
    ? { body: gzipSync(body), format: 'json' as const, gunzippedBytes: body.byteLength }
    : { body, format: 'json' as const };
  return store.ingestMetrics(decodeMetricsRequest(body, 'json'), at, source);
}
/** Bytes in the ingest log files of a database (header of 16 bytes + body per export). */
function logBytes(name: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-ingest.`))
    .reduce((total, f) => total + statSync(join(dir, f)).size, 0);
}
/** Counts rows the way another process would see the file (committed rows only). */
/** Series entries in the file's packs, and the pack rows holding them. */
function stored(name: string): { entries: number; packs: number } {
  const db = new Database(join(dir, name), { readonly: true });
  try {
    let entries = 0;
    let packs = 0;
    for (const row of db.prepare('SELECT entries FROM packs').iterate() as Iterable<{ entries: Buffer }>) {
      packs++;
      forEachEntry(row.entries, () => entries++);
    }
    return { entries, packs };
  } finally {
    db.close();
  }
}
const window = { model: 'loan', fromMs: T0, toMs: T0 + 2 * MIN };

it('bodies written by the helper decode to the requests they stand for', () => {
  for (const [r] of EXPORTS) expect(decodeMetricsRequest(otlpJsonBody(r), 'json')).toEqual(r);
});

describe.each([
  ['plain', false],
  ['gzip', true],
])('logged exports and checkpoints (%s bodies)', (_, gzip) => {
  it('keeps exports in the log until a read checkpoints them, with the same result as writing at once', () => {
    const direct = open('direct.db');
    const deferred = open('deferred.db');
    const results = EXPORTS.map((e) => [direct.ingestMetrics(...e), logged(deferred, e, gzip)]);
    for (const [a, b] of results) expect(b).toEqual(a);
    expect(results.at(-1)?.[1]?.rejected).toBe(1);

    // the 8 accepted exports are in the log as they arrived (the rejected one is not), nothing is written yet
    const accepted = EXPORTS.slice(0, 8).reduce((n, [r]) => n + 16 + sent(r, gzip).byteLength, 0);
    expect(logBytes('deferred.db')).toBe(accepted);
    expect(stored('deferred.db')).toEqual({ entries: 0, packs: 0 });

    const histograms = deferred.histograms({ ...window, instrument: 'ml.prediction.score' });
    expect(logBytes('deferred.db')).toBe(0);
    expect(histograms).toEqual(direct.histograms({ ...window, instrument: 'ml.prediction.score' }));
    // by hand, instance a: [1,0,0] + [1,1,0] (retry: nothing) + restart [1,0,0] + [0,4,2];
    // instance b: [0,1,1] + [0,2,0]
    expect(histograms[0]?.counts).toEqual([
      1 + 1 + 1 + 0 + 0 + 0,
      0 + 1 + 0 + 4 + 1 + 2,
      0 + 0 + 0 + 2 + 1 + 0,
    ]);
    expect(deferred.counters({ ...window, instrument: 'ml.outcome' })).toEqual(
      direct.counters({ ...window, instrument: 'ml.outcome' }),
    );
    expect(deferred.models()).toEqual(direct.models());
    expect(deferred.stateDigest()).toBe(direct.stateDigest());
  });

  it('checkpoints when the log reaches checkpointBytes', () => {
    const store = open('small.db', { checkpointBytes: 1 });
    for (const e of EXPORTS.slice(0, 3)) {
      logged(store, e, gzip);
      expect(logBytes('small.db')).toBe(0);
    }
    // scores of instances a and b (one series each, one pack) and the outcome counter, all in minute T0
    expect(stored('small.db')).toEqual({ entries: 3, packs: 2 });
  });

  it('writes the log out on close, and a reopened file has everything', () => {
    const direct = open('direct.db');
    for (const e of EXPORTS) direct.ingestMetrics(...e);
    const first = Store.open({ path: join(dir, 'reopen.db') });
    for (const e of EXPORTS) logged(first, e, gzip);
    first.close();
    expect(logBytes('reopen.db')).toBe(0);
    expect(open('reopen.db').stateDigest()).toBe(direct.stateDigest());
  });

  it('after a failed logged export, rebuilds memory from the log: nothing lost, the retry counts once', () => {
    // the fourth export brings a new series (instance c): its insert is made to fail
    const fourth: [MetricsRequest, number] = [
      request([scores([hp(T0, T0 + 20_000, [0, 0, 5])]), outcomes([np(T0, T0 + 21_000, 1)])], 'c'),
      T0 + 21_000,
    ];
    const direct = open('direct.db');
    for (const e of [...EXPORTS.slice(0, 3), fourth]) direct.ingestMetrics(...e);
    const store = open('fail.db');
    for (const e of EXPORTS.slice(0, 3)) logged(store, e, gzip); // in memory and in the log only

    const other = new Database(join(dir, 'fail.db'));
    other.exec("CREATE TRIGGER boom BEFORE INSERT ON series BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    expect(() => logged(store, fourth, gzip)).toThrow(/disk on fire/);
    other.exec('DROP TRIGGER boom');
    other.close();

    // the failed export left no trace; the three before it are all there
    const withoutFourth = open('three.db');
    for (const e of EXPORTS.slice(0, 3)) withoutFourth.ingestMetrics(...e);
    expect(store.stateDigest()).toBe(withoutFourth.stateDigest());
    logged(store, fourth, gzip);
    expect(store.stateDigest()).toBe(direct.stateDigest());
  });

  it('counts a logged body decompressed toward checkpointBytes, which bounds the work of a replay', () => {
    const [first] = EXPORTS as [[MetricsRequest, number]];
    const decoded = otlpJsonBody(first[0]).byteLength;
    expect(sent(first[0], true).byteLength).toBeLessThan(decoded); // so the compressed size alone would not reach it
    const store = open('bytes.db', { checkpointBytes: decoded });
    logged(store, first, gzip);
    expect(logBytes('bytes.db')).toBe(0);
    expect(stored('bytes.db').entries).toBe(1);
  });
});
