import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  Attributes,
  HistogramPoint,
  Metric,
  MetricsRequest,
  NumberPoint,
  Span,
  TracesRequest,
} from '../src/receive/model.js';
import { Store, type StoreOptions } from '../src/store/index.js';
import { forEachDelta, forEachEntry, forEachStream } from '../src/store/pack.js';
import { priority } from '../src/store/reservoir.js';

// ---- helpers: build decoded OTLP requests by hand ---------------------------------------------------

const MIN = 60_000;
/** A bucket boundary (ms). */
const T0 = 28_333_333 * MIN;
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const MODEL = { 'ml.model.name': 'loan', 'ml.model.version': '3' };
const BOUNDS = [0.5, 1];
const RESOURCE_A = { 'service.name': 'loan-api', 'service.instance.id': 'a' };
const RESOURCE_B = { 'service.name': 'loan-api', 'service.instance.id': 'b' };

function hp(
  startMs: number,
  timeMs: number,
  counts: number[],
  over: Partial<HistogramPoint> = {},
): HistogramPoint {
  return {
    attributes: { ...MODEL, 'ml.prediction.label': 'reject', 'ml.holdout': false },
    startTimeUnixNano: ns(startMs),
    timeUnixNano: ns(timeMs),
    count: counts.reduce((a, b) => a + b, 0),
    sum: counts.reduce((a, c, i) => a + c * (i + 1), 0),
    bounds: BOUNDS,
    counts,
    exemplars: [],
    ...over,
  };
}

function np(
  startMs: number,
  timeMs: number,
  value: number,
  attributes: Attributes = { ...MODEL },
): NumberPoint {
  return { attributes, startTimeUnixNano: ns(startMs), timeUnixNano: ns(timeMs), value };
}

function histogram(
  points: HistogramPoint[],
  temporality: 'cumulative' | 'delta' = 'cumulative',
  name = 'ml.prediction.score',
): Metric {
  return { name, unit: '1', description: '', type: 'histogram', temporality, points };
}

function counter(
  points: NumberPoint[],
  temporality: 'cumulative' | 'delta' = 'cumulative',
  name = 'ml.outcome',
): Metric {
  return { name, unit: '{outcome}', description: '', type: 'sum', temporality, monotonic: true, points };
}

function request(
  metrics: Metric[],
  resource: Attributes = RESOURCE_A,
  scope = '@modelpulse/otel',
): MetricsRequest {
  return {
    resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: scope, version: '0.1.0' }, metrics }] }],
  };
}

const scoreQuery = { model: 'loan', instrument: 'ml.prediction.score', fromMs: 0, toMs: T0 + 1_000 * MIN };
const outcomeQuery = { ...scoreQuery, instrument: 'ml.outcome' };

function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0] as T;
}

/** Entries of a pack BLOB. */
function entryCount(blob: Buffer): number {
  let n = 0;
  forEachEntry(blob, () => n++);
  return n;
}

/** Each series' noted bucket (for pruning), by key. */
function seriesNoted(path: string): Record<string, number | null> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT key, noted_bucket_ms FROM series').all() as {
      key: string;
      noted_bucket_ms: number | null;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.noted_bucket_ms]));
  } finally {
    db.close();
  }
}

/**
 * Rewrites a file of the current schema as `version` wrote it: one `buckets` row per series and bucket,
 * one `cumulative` row per stream (version 4: buckets in time order; version 1: in series order, with neither the index of unlabelled outcomes
 * nor that of exemplars by score bucket). Answers the bucket rows.
 */
function downgrade(path: string, version: 1 | 4): number {
  const db = new Database(path);
  try {
    db.exec(`
      CREATE TABLE buckets (series_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL, count REAL NOT NULL,
        sum REAL NOT NULL, counts BLOB, PRIMARY KEY (bucket_ms, series_id)) STRICT, WITHOUT ROWID;
      CREATE INDEX buckets_by_series ON buckets (series_id, bucket_ms);`);
    const insert = db.prepare('INSERT INTO buckets VALUES (?, ?, ?, ?, ?)');
    const packs = db.prepare('SELECT bucket_ms, entries FROM packs').all() as {
      bucket_ms: number;
      entries: Buffer;
    }[];
    for (const pack of packs)
      forEachEntry(pack.entries, (id, count, sum, counts, width) => {
        const blob = width < 0 ? null : Buffer.from(Float64Array.from(counts.subarray(0, width)).buffer);
        insert.run(id, pack.bucket_ms, count, sum, blob);
      });
    db.exec(`
      CREATE TABLE cumulative (series_id INTEGER NOT NULL, start_ns INTEGER NOT NULL, time_ns INTEGER NOT NULL,
        count REAL NOT NULL, sum REAL NOT NULL, counts BLOB, PRIMARY KEY (series_id, start_ns)) STRICT, WITHOUT ROWID;
      CREATE INDEX cumulative_by_time ON cumulative (time_ns);`);
    const insertStream = db.prepare('INSERT INTO cumulative VALUES (?, ?, ?, ?, ?, ?)');
    const groups = db.prepare('SELECT entries FROM stream_packs').all() as { entries: Buffer }[];
    for (const group of groups)
      forEachStream(group.entries, ({ seriesId, startNs, timeNs, count, sum, counts }) => {
        const blob = counts === null ? null : Buffer.from(counts.buffer);
        insertStream.run(seriesId, startNs, timeNs, count, sum, blob);
      });
    db.exec(`
      CREATE TABLE delta_applied (series_id INTEGER NOT NULL, start_ns INTEGER NOT NULL, time_ns INTEGER NOT NULL,
        PRIMARY KEY (series_id, start_ns, time_ns)) STRICT, WITHOUT ROWID;
      CREATE INDEX delta_applied_by_time ON delta_applied (time_ns);`);
    const insertDelta = db.prepare('INSERT INTO delta_applied VALUES (?, ?, ?)');
    const withDeltas = db.prepare('SELECT deltas FROM packs WHERE deltas IS NOT NULL').all() as {
      deltas: Buffer;
    }[];
    for (const pack of withDeltas)
      forEachDelta(pack.deltas, (id, pairs) => {
        for (let i = 0; i < pairs.length; i += 2) insertDelta.run(id, pairs[i], pairs[i + 1]);
      });
    db.exec(`
      DROP TABLE stream_packs;
      DROP TABLE packs;
      DROP TABLE pack_keys;
      ALTER TABLE series DROP COLUMN pack_id;
      ALTER TABLE series DROP COLUMN noted_bucket_ms;
      PRAGMA user_version = 4;`);
    if (version === 1)
      db.exec(`
        CREATE TABLE v1 (series_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL, count REAL NOT NULL,
          sum REAL NOT NULL, counts BLOB, PRIMARY KEY (series_id, bucket_ms)) STRICT, WITHOUT ROWID;
        INSERT INTO v1 SELECT series_id, bucket_ms, count, sum, counts FROM buckets;
        DROP TABLE buckets;
        ALTER TABLE v1 RENAME TO buckets;
        CREATE INDEX buckets_by_time ON buckets (bucket_ms);
        DROP INDEX outcomes_unlabelled;
        DROP INDEX exemplars_by_score;
        PRAGMA user_version = 1;`);
    return (db.prepare('SELECT count(*) AS n FROM buckets').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let dir: string;
const stores: Store[] = [];
function open(options: Partial<StoreOptions> = {}): Store {
  const store = Store.open({ path: ':memory:', ...options });
  stores.push(store);
  return store;
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-store-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

// ---- opening ------------------------------------------------------------------------------------

describe('Store.open', () => {
  it('names a file that is not a database, and leaves it as it was', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a database, just some text that a wrong --db points at\n'.repeat(100));
    expect(() => open({ path })).toThrow(`${path}: file is not a database`);
    expect(readFileSync(path, 'utf8')).toBe(
      'not a database, just some text that a wrong --db points at\n'.repeat(100),
    );
  });

  it('creates a WAL database at the current schema version', () => {
    const path = join(dir, 'm.db');
    const warn = vi.spyOn(console, 'warn');
    open({ path }).close();
    expect(warn).not.toHaveBeenCalled(); // a new file has nothing to upgrade
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    db.close();
  });

  it.each([
    [4 as const, 'in time order, one row per series', 4],
    [1 as const, 'in series order, one row per series', 16],
  ])('upgrades a version %i file (buckets %s) to packs, losing nothing', (version, _, perMillion) => {
    const path = join(dir, `v${version}.db`);
    const store = open({ path });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 2, 3])])]), T0);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 5 * MIN, [4, 2, 9])])], RESOURCE_B), T0 + 5 * MIN);
    store.ingestMetrics(request([counter([np(T0, T0 + 5 * MIN, 3)])]), T0 + 5 * MIN);
    const deltaPoint = request([counter([np(T0 + 5 * MIN, T0 + 6 * MIN, 2)], 'delta')], RESOURCE_B);
    store.ingestMetrics(deltaPoint, T0 + 6 * MIN);
    const before = store.histograms(scoreQuery);
    const digest = store.stateDigest();
    const noted = seriesNoted(path);
    store.close();

    const rows = downgrade(path, version);
    expect(rows).toBe(4);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const reopened = open({ path });
    // The rewrite can take minutes on a large store: it is announced before it starts.
    expect(warn.mock.calls).toEqual([
      [
        `modelpulse: upgrading the store at ${path} from schema ${version} to 5: rewriting 4 bucket rows and 1 delta point keys, once (about ${perMillion} s per million bucket rows, 2 s per million keys).`,
      ],
    ]);
    expect(reopened.histograms(scoreQuery)).toEqual(before);
    expect(reopened.stateDigest()).toBe(digest);
    // the delta point's identity came along: its retry adds nothing
    expect(reopened.ingestMetrics(deltaPoint, T0 + 7 * MIN).accepted).toBe(1);
    expect(reopened.stateDigest()).toBe(digest);
    reopened.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(5);
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('buckets');
    // the two score series (instances a, b) share a pack; the counters (a cumulative, b delta) another
    const packs = check
      .prepare('SELECT bucket_ms, pack_id, entries, deltas FROM packs ORDER BY bucket_ms, pack_id')
      .all() as { bucket_ms: number; pack_id: number; entries: Buffer; deltas: Buffer | null }[];
    expect(packs.map((p) => [p.bucket_ms - T0, entryCount(p.entries), p.deltas !== null])).toEqual([
      [0, 1, false],
      [5 * MIN, 1, false],
      [5 * MIN, 1, false],
      [6 * MIN, 1, true],
    ]);
    // each series noted at the newest time of its data: a bucket, or its stream's last point (a: T0 + 10 s)
    expect(Object.keys(seriesNoted(path)).sort()).toEqual(Object.keys(noted).sort());
    expect(Object.values(seriesNoted(path)).sort()).toEqual([
      T0 + 10_000,
      T0 + 5 * MIN,
      T0 + 5 * MIN,
      T0 + 6 * MIN,
    ]);
    const outcomeIndexes = check.pragma("index_list('outcomes')") as { name: string }[];
    expect(outcomeIndexes.map((i) => i.name)).toContain('outcomes_unlabelled');
    const exemplarIndexes = check.pragma("index_list('exemplars')") as { name: string }[];
    expect(exemplarIndexes.map((i) => i.name)).toContain('exemplars_by_score');
    check.close();
  });

  it('refuses a file from a newer schema', () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => Store.open({ path })).toThrow(/schema version 99, newer than/);
  });

  it('keeps the bucket width of the file and refuses another one', () => {
    const path = join(dir, 'b.db');
    open({ path, bucketMs: 10_000 }).close();
    const reopened = open({ path });
    expect(reopened.bucketMs).toBe(10_000);
    reopened.close();
    expect(() => Store.open({ path, bucketMs: 60_000 })).toThrow(/created with bucketMs 10000/);
  });

  it('opens with synchronous FULL on request', () => {
    const store = open({ path: join(dir, 'full.db'), synchronous: 'full' });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    expect(only(store.histograms(scoreQuery)).count).toBe(1);
    expect(() => Store.open({ path: ':memory:', synchronous: 'off' as 'full' })).toThrow(
      /synchronous must be/,
    );
  });

  it('refuses nonsense options with a sentence', () => {
    expect(() => Store.open({ path: '' })).toThrow(/path must be/);
    expect(() => Store.open({ path: ':memory:', bucketMs: 0 })).toThrow(
      /bucketMs must be a positive integer/,
    );
    expect(() => Store.open({ path: ':memory:', exemplarsPerBucket: 1.5 })).toThrow(/exemplarsPerBucket/);
    expect(() => Store.open({ path: join(dir, 'missing', 'x.db') })).toThrow();
  });
});

// ---- cumulative temporality -------------------------------------------------------------------

describe('cumulative histograms', () => {
  it('stores the first point in full and then only what was recorded since, in the bucket of its time', () => {
    const store = open();
    // recorded: 2 low + 1 mid before T0+10s; then 1 low + 3 high before T0+70s (next bucket)
    expect(store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [2, 1, 0])])]), T0 + 10_000)).toEqual({
      accepted: 1,
      rejected: 0,
      errors: [],
    });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 70_000, [3, 1, 3])])]), T0 + 70_000);

    const first = only(store.histograms({ ...scoreQuery, fromMs: T0, toMs: T0 + MIN }));
    expect(first).toEqual({
      attributes: { ...MODEL, 'ml.prediction.label': 'reject', 'ml.holdout': false },
      count: 3,
      sum: 2 * 1 + 1 * 2,
      bounds: BOUNDS,
      counts: [2, 1, 0],
    });
    const second = only(store.histograms({ ...scoreQuery, fromMs: T0 + MIN, toMs: T0 + 2 * MIN }));
    expect(second).toMatchObject({ count: 4, sum: 1 + 3 * 3, counts: [1, 0, 3] });
    const both = only(store.histograms({ ...scoreQuery, fromMs: T0, toMs: T0 + 2 * MIN }));
    expect(both).toMatchObject({ count: 7, counts: [3, 1, 3] });
  });

  it('selects buckets whose start is in [fromMs, toMs)', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + MIN, [1, 0, 0])])]), T0 + MIN); // lands in [T0+1m, T0+2m)
    expect(store.histograms({ ...scoreQuery, fromMs: T0, toMs: T0 + MIN })).toEqual([]);
    expect(only(store.histograms({ ...scoreQuery, fromMs: T0 + MIN, toMs: T0 + MIN + 1 })).count).toBe(1);
    expect(store.histograms({ ...scoreQuery, fromMs: T0 + MIN + 1, toMs: T0 + 5 * MIN })).toEqual([]);
  });

  it('counts an export sent twice once, leaving the state unchanged', () => {
    const store = open();
    const export1 = request([histogram([hp(T0, T0 + 10_000, [1, 2, 3])])]);
    store.ingestMetrics(export1, T0 + 10_000);
    const before = store.stateDigest();
    expect(store.ingestMetrics(export1, T0 + 11_000)).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(store.stateDigest()).toBe(before);
    expect(only(store.histograms(scoreQuery)).count).toBe(6);
  });

  it('adds nothing for an out-of-order older point', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20_000, [1, 2, 3])])]), T0 + 20_000);
    const before = store.stateDigest();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 1, 1])])]), T0 + 21_000);
    expect(store.stateDigest()).toBe(before);
  });

  it('takes a new start time (restarted process) as a reset: the full new value', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [5, 5, 5])])]), T0 + 10_000);
    store.ingestMetrics(request([histogram([hp(T0 + 30_000, T0 + 40_000, [1, 0, 2])])]), T0 + 40_000);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 18, counts: [6, 5, 7] });
  });

  it('takes a decrease under the same start time as an unannounced reset', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [5, 5, 5])])]), T0 + 10_000);
    // bucket 0 went down while the count went up: still a reset
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20_000, [4, 7, 6])])]), T0 + 20_000);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 15 + 17, counts: [9, 12, 11] });
  });

  it('ignores a late point of the previous start after a restart instead of counting it again', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [2, 0, 0])])]), T0 + 10_000);
    store.ingestMetrics(request([histogram([hp(T0 + 15_000, T0 + 20_000, [0, 1, 0])])]), T0 + 20_000);
    // the old process's export at 10 s is retried late
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [2, 0, 0])])]), T0 + 25_000);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 3, counts: [2, 1, 0] });
  });

  it('merges the instances of a service in queries, keeping each its own series', () => {
    const store = open();
    for (const [i, resource] of [RESOURCE_A, RESOURCE_B].entries()) {
      store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, i, 0])])], resource), T0 + 10_000);
      store.ingestMetrics(request([histogram([hp(T0, T0 + 20_000, [2, i, 1])])], resource), T0 + 20_000);
    }
    // a: [2,0,1]; b: [2,1,1] (each is its own cumulative stream; a's values never subtract from b's)
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 7, counts: [4, 1, 2] });
  });

  it('keeps separate entries per attribute set and filters by version', () => {
    const store = open();
    const accept = hp(T0, T0 + 10_000, [0, 1, 0]);
    accept.attributes = { ...accept.attributes, 'ml.prediction.label': 'accept' };
    const v4 = hp(T0, T0 + 10_000, [0, 0, 9]);
    v4.attributes = { ...v4.attributes, 'ml.model.version': '4' };
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0]), accept, v4])]), T0 + 10_000);
    const all = store.histograms(scoreQuery);
    expect(
      all.map((h) => [h.attributes['ml.model.version'], h.attributes['ml.prediction.label'], h.count]),
    ).toEqual([
      ['3', 'accept', 1],
      ['3', 'reject', 1],
      ['4', 'reject', 9],
    ]);
    expect(store.histograms({ ...scoreQuery, version: '4' }).map((h) => h.count)).toEqual([9]);
    expect(store.histograms({ ...scoreQuery, instrument: 'ml.outcome.score' })).toEqual([]);
    expect(store.histograms({ ...scoreQuery, model: 'other' })).toEqual([]);
  });

  it('treats attribute order as irrelevant', () => {
    const store = open();
    const p1 = hp(T0, T0 + 10_000, [1, 0, 0]);
    const p2 = hp(T0, T0 + 20_000, [3, 0, 0]);
    p2.attributes = Object.fromEntries(Object.entries(p2.attributes).reverse());
    store.ingestMetrics(request([histogram([p1])]), T0 + 10_000);
    store.ingestMetrics(request([histogram([p2])]), T0 + 20_000);
    expect(only(store.histograms(scoreQuery)).count).toBe(3);
  });

  it('starts a new series when the bucket layout changes, and reports it separately', () => {
    const store = open();
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 1, 1])])]), T0 + 10_000);
    // same stream, new bounds: its first point counts in full
    const other = hp(T0, T0 + 20_000, [2, 2], { bounds: [0.5] });
    store.ingestMetrics(request([histogram([other])]), T0 + 20_000);
    const entries = store.histograms(scoreQuery);
    expect(entries.map((e) => [e.bounds, e.counts])).toEqual(
      expect.arrayContaining([
        [BOUNDS, [1, 1, 1]],
        [[0.5], [2, 2]],
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it('stores a histogram without buckets (count and sum only)', () => {
    const store = open();
    const p = hp(T0, T0 + 10_000, [], { count: 4, sum: 2, bounds: [] });
    store.ingestMetrics(request([histogram([p])]), T0 + 10_000);
    store.ingestMetrics(
      request([histogram([{ ...p, timeUnixNano: ns(T0 + 20_000), count: 6, sum: 3 }])]),
      T0 + 20_000,
    );
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 6, sum: 3, bounds: [], counts: [] });
  });

  it('aggregates a request by (series, bucket) first: one upsert each, same result as point by point', () => {
    const points = [10, 20, 30, 70, 80].map((s, i) => hp(T0, T0 + s * 1000, [i + 1, i, 2 * i]));
    const batched = open();
    const probe = new Database(':memory:').prepare('SELECT 1');
    const run = vi.spyOn(Object.getPrototypeOf(probe), 'run');
    batched.ingestMetrics(request([histogram(points)]), T0 + 80_000);
    // pack rows written, however many multi-row statements carry them (4 values a row)
    const packRows = run.mock.calls
      .filter((_, i) => (run.mock.contexts[i] as { source: string }).source.includes('INTO packs'))
      .reduce((rows, args) => rows + args.flat().length / 4, 0);
    expect(packRows).toBe(2); // 3 points in bucket T0, 2 in T0+1m
    run.mockRestore();
    const single = open();
    for (const p of points) single.ingestMetrics(request([histogram([p])]), T0 + 80_000);
    expect(batched.stateDigest()).toBe(single.stateDigest());
    expect(only(batched.histograms({ ...scoreQuery, fromMs: T0, toMs: T0 + MIN }))).toMatchObject({
      counts: [3, 2, 4],
    });
  });
});

describe('cumulative and delta counters', () => {
  it('turns a cumulative counter into increases, with resets', () => {
    const store = open();
    store.ingestMetrics(request([counter([np(T0, T0 + 10_000, 4)])]), T0);
    store.ingestMetrics(request([counter([np(T0, T0 + 20_000, 9)])]), T0);
    store.ingestMetrics(request([counter([np(T0, T0 + 20_000, 9)])]), T0); // retry
    store.ingestMetrics(request([counter([np(T0, T0 + 30_000, 2)])]), T0); // reset: 2 new
    expect(only(store.counters(outcomeQuery)).value).toBe(4 + 5 + 2);
  });

  it('adds delta points as they are, once even when an export is retried', () => {
    const store = open();
    const e1 = request([counter([np(T0, T0 + 10_000, 3)], 'delta')]);
    const e2 = request([counter([np(T0 + 10_000, T0 + 20_000, 2)], 'delta')]);
    store.ingestMetrics(e1, T0);
    store.ingestMetrics(e2, T0);
    const before = store.stateDigest();
    store.ingestMetrics(e1, T0 + 1);
    store.ingestMetrics(
      request([counter([np(T0, T0 + 10_000, 3), np(T0, T0 + 10_000, 3)], 'delta')]),
      T0 + 2,
    );
    expect(store.stateDigest()).toBe(before);
    expect(only(store.counters(outcomeQuery)).value).toBe(5);
  });

  it('recognises a retried delta export after a restart, and still adds a late point it never saw', () => {
    const path = join(dir, 'delta.db');
    let store = Store.open({ path });
    const e1 = request([counter([np(T0, T0 + 10_000, 3)], 'delta')]);
    const e2 = request([counter([np(T0 + 10_000, T0 + 20_000, 2)], 'delta')]);
    try {
      store.ingestMetrics(e1, T0);
      store.ingestMetrics(e2, T0);
      store.close();
      store = Store.open({ path });
      store.ingestMetrics(e2, T0 + 1); // the newest point of the file, again
      store.ingestMetrics(e1, T0 + 2);
      expect(only(store.counters(outcomeQuery)).value).toBe(5);
      // Older than the newest point, but never applied (another interval): added.
      store.ingestMetrics(request([counter([np(T0 + 2_000, T0 + 5_000, 7)], 'delta')]), T0 + 3);
      expect(only(store.counters(outcomeQuery)).value).toBe(12);
    } finally {
      store.close();
    }
  });

  it('adds delta histograms once per (series, start, time)', () => {
    const store = open();
    const e = request([
      histogram([hp(T0, T0 + 10_000, [1, 2, 0]), hp(T0 + 10_000, T0 + 20_000, [0, 1, 1])], 'delta'),
    ]);
    store.ingestMetrics(e, T0);
    store.ingestMetrics(e, T0);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 5, counts: [1, 3, 1] });
  });

  it('sums counters of several instances and keeps attribute sets apart', () => {
    const store = open();
    const labels = (o: string) => ({ ...MODEL, 'ml.outcome.label': o, 'ml.holdout': true });
    store.ingestMetrics(
      request([counter([np(T0, T0 + 10_000, 2, labels('ok')), np(T0, T0 + 10_000, 1, labels('bad'))])]),
      T0,
    );
    store.ingestMetrics(request([counter([np(T0, T0 + 10_000, 5, labels('ok'))])], RESOURCE_B), T0);
    expect(store.counters(outcomeQuery).map((c) => [c.attributes['ml.outcome.label'], c.value])).toEqual([
      ['bad', 1],
      ['ok', 7],
    ]);
  });
});

// ---- what is stored, ignored, rejected --------------------------------------------------------

describe('filtering and validation', () => {
  it('ignores the analysis service’s own metrics and other metrics (loop guard), without rejecting them', () => {
    const store = open();
    const before = store.stateDigest();
    const own = [
      'ml.drift.distance',
      'ml.skew.distance',
      'ml.holdout.precision',
      'ml.estimated.accuracy',
      'ml.heuristic.mean',
    ];
    const r1 = store.ingestMetrics(
      request([
        ...own.map((name) => counter([np(T0, T0 + 1000, 1)], 'cumulative', name)),
        { ...counter([np(T0, T0 + 1000, 1)]), name: 'ml.monitor.status', type: 'gauge' } as Metric,
        histogram([hp(T0, T0 + 1000, [1, 0, 0])], 'cumulative', 'http.server.request.duration'),
      ]),
      T0,
    );
    // even a stored instrument name under the analysis scope is ignored
    const r2 = store.ingestMetrics(
      request([histogram([hp(T0, T0 + 1000, [1, 0, 0])])], RESOURCE_A, '@modelpulse/analysis'),
      T0,
    );
    expect([r1, r2]).toEqual([
      { accepted: 0, rejected: 0, errors: [] },
      { accepted: 0, rejected: 0, errors: [] },
    ]);
    expect(store.stateDigest()).toBe(before);
    expect(store.models()).toEqual([]);
  });

  it('ignores gauges and non-monotonic sums of stored names', () => {
    const store = open();
    const upDown: Metric = {
      ...(counter([np(T0, T0 + 1000, 1)]) as Metric & { type: 'sum' }),
      monotonic: false,
    };
    const gauge: Metric = {
      name: 'ml.feature.missing',
      unit: '',
      description: '',
      type: 'gauge',
      points: [np(T0, T0 + 1000, 1)],
    };
    expect(store.ingestMetrics(request([upDown, gauge]), T0)).toEqual({
      accepted: 0,
      rejected: 0,
      errors: [],
    });
  });

  it('rejects stored names of the wrong kind, unsupported kinds and unspecified temporality, with reasons', () => {
    const store = open();
    const r = store.ingestMetrics(
      request([
        {
          name: 'ml.feature.value',
          unit: '1',
          description: '',
          type: 'unsupported',
          kind: 'exponential histogram',
          pointCount: 3,
        },
        counter([np(T0, T0 + 1000, 1)], 'cumulative', 'ml.prediction.score'),
        histogram([hp(T0, T0 + 1000, [1, 0, 0])], 'cumulative', 'ml.outcome'),
        { ...histogram([hp(T0, T0 + 1000, [1, 0, 0])]), temporality: 'unspecified' } as Metric,
      ]),
      T0,
    );
    expect(r.accepted).toBe(0);
    expect(r.rejected).toBe(6);
    expect(r.errors).toEqual([
      'ml.feature.value: exponential histogram data points are not supported; record it as an explicit-bucket histogram',
      'ml.prediction.score: expected a histogram, got a sum',
      'ml.outcome: expected a monotonic sum, got a histogram',
      'ml.prediction.score: aggregation temporality is unspecified',
    ]);
  });

  it('rejects invalid points with a reason and still applies the rest of the request', () => {
    const store = open();
    const noModel = hp(T0, T0 + 10_000, [1, 0, 0]);
    noModel.attributes = { 'ml.prediction.label': 'reject' };
    const r = store.ingestMetrics(
      request([
        histogram([
          hp(T0, T0 + 10_000, [1, 0, 0], { count: -1 }),
          hp(T0, T0 + 10_000, [1, 0, 0], { count: Number.NaN }),
          hp(T0, T0 + 10_000, [1, 0, 0], { count: 2 }),
          hp(T0, T0 + 10_000, [1, 0], { count: 1 }),
          noModel,
          hp(T0, T0 + 10_000, [0, 4, 0]),
        ]),
        counter([np(T0, T0 + 10_000, Number.NaN), np(T0, T0 + 10_000, 6)]),
      ]),
      T0,
    );
    expect(r.accepted).toBe(2);
    expect(r.rejected).toBe(6);
    expect(r.errors).toEqual([
      'ml.prediction.score: count must be a non-negative integer, got -1',
      'ml.prediction.score: count must be a non-negative integer, got NaN',
      'ml.prediction.score: count 2 is not the sum of the bucket counts (1)',
      'ml.prediction.score: 2 bucket counts do not fit 2 bounds (expected 3)',
      'ml.prediction.score: point without ml.model.name',
      'ml.outcome: value must be a finite number, got NaN',
    ]);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 4, counts: [0, 4, 0] });
    expect(only(store.counters(outcomeQuery)).value).toBe(6);
  });

  it('reports each reason once and caps the list', () => {
    const store = open();
    const bad = Array.from({ length: 30 }, (_, i) => hp(T0, T0 + 10_000, [1, 0, 0], { count: 100 + i }));
    const r = store.ingestMetrics(request([histogram([...bad, ...bad])]), T0);
    expect(r.rejected).toBe(60);
    expect(r.errors).toHaveLength(21);
    expect(r.errors.at(-1)).toBe('… and 20 more rejections for other reasons'); // 10 reasons, twice each
  });

  it('applies nothing when SQLite fails mid-request, and recovers afterwards', () => {
    const path = join(dir, 'fail.db');
    const store = open({ path });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    const before = store.stateDigest();
    // A trigger on the last table written makes the end of the transaction fail.
    const other = new Database(path);
    other.exec(
      "CREATE TRIGGER boom BEFORE INSERT ON instances BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    other.exec('DELETE FROM instances');
    const next = request([histogram([hp(T0, T0 + 20_000, [3, 0, 0])])]);
    expect(() => store.ingestMetrics(next, T0)).toThrow(/disk on fire/);
    other.exec('DROP TRIGGER boom');
    other.close();
    // buckets and cumulative state are as before (the digest leaves out the liveness rows deleted by hand)
    expect(store.stateDigest()).toBe(before);
    expect(only(store.histograms(scoreQuery)).count).toBe(1);
    // the in-memory state was dropped with the transaction: the retry counts exactly once
    store.ingestMetrics(next, T0);
    expect(only(store.histograms(scoreQuery)).count).toBe(3);
  });
});

// ---- models -------------------------------------------------------------------------------------

describe('models()', () => {
  it('lists models, versions, instances and last seen from accepted points', () => {
    const store = open();
    const v4 = hp(T0, T0 + 10_000, [1, 0, 0]);
    v4.attributes = { ...v4.attributes, 'ml.model.version': '4' };
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])], RESOURCE_A), T0 + 1);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])], RESOURCE_B), T0 + 5);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20_000, [2, 0, 0])])], RESOURCE_A), T0 + 3);
    store.ingestMetrics(request([histogram([v4])], { 'service.name': 'batch-scorer' }), T0 + 2);
    store.ingestMetrics(
      request([counter([np(T0, T0 + 10_000, 1, { 'ml.model.name': 'fraud' })])], RESOURCE_A),
      T0 + 9,
    );
    // rejected points do not count as seen
    store.ingestMetrics(
      request([histogram([hp(T0, T0 + 10_000, [1, 0, 0], { count: 9 })])], { 'service.name': 'x' }),
      T0 + 99,
    );
    expect(store.models()).toEqual([
      { name: 'fraud', versions: [{ version: '', instances: ['a'], lastSeenMs: T0 + 9 }] },
      {
        name: 'loan',
        versions: [
          { version: '3', instances: ['a', 'b'], lastSeenMs: T0 + 5 },
          { version: '4', instances: ['batch-scorer'], lastSeenMs: T0 + 2 },
        ],
      },
    ]);
  });
});

// ---- retention ----------------------------------------------------------------------------------

describe('prune and retention', () => {
  it('drops buckets older than retention and spans older than their TTL, then empty series', () => {
    const empty = open().stateDigest();
    const store = open({ retentionMs: 10 * MIN, spanTtlMs: 5 * MIN });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 4 * MIN, [3, 0, 0])])]), T0 + 4 * MIN);
    store.ingestTraces(
      traces([predictionSpan('p1', 0.7, T0 + 1000), predictionSpan('p2', 0.7, T0 + 3 * MIN)]),
      T0 + 3 * MIN,
    );

    store.prune(T0 + 10 * MIN + 1); // cut-off T0 + 1 ms: the T0 bucket goes; spans before T0+5m+1ms go
    expect(only(store.histograms(scoreQuery)).count).toBe(2);
    expect(store.predictionSpans({ model: 'loan', ids: ['p1', 'p2'] })).toEqual([]);
    expect(store.exemplars({ model: 'loan', fromMs: 0, toMs: T0 + 100 * MIN })).toHaveLength(1);

    store.prune(T0 + 100 * MIN);
    expect(store.histograms(scoreQuery)).toEqual([]);
    expect(store.models()).toEqual([]);
    expect(store.stateDigest()).toBe(empty);
  });

  it('keeps a series while any of its buckets is within retention, though the bucket noted for it is not', () => {
    const store = open({ path: join(dir, 'n.db'), retentionMs: 10 * MIN });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 50 * MIN, [1, 2, 0])])]), T0 + 50 * MIN);
    store.prune(T0 + 50 * MIN); // cut-off T0 + 40m: the T0 bucket goes, the series stays
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 2, counts: [0, 2, 0] });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 51 * MIN, [1, 3, 0])])]), T0 + 51 * MIN);
    expect(only(store.histograms(scoreQuery))).toMatchObject({ count: 3, counts: [0, 3, 0] });
    store.prune(T0 + 61 * MIN + 1); // every bucket gone; the series stays until an hour past its noted bucket
    expect(store.histograms(scoreQuery)).toEqual([]);
    // noted again by the first write after the prune (which forgets what was noted, as a restart does)
    expect(Object.values(seriesNoted(join(dir, 'n.db')))).toEqual([T0 + 51 * MIN]);
    store.prune(T0 + 121 * MIN - 1);
    expect(Object.values(seriesNoted(join(dir, 'n.db')))).toEqual([T0 + 51 * MIN]);
    store.prune(T0 + 121 * MIN);
    expect(seriesNoted(join(dir, 'n.db'))).toEqual({});
  });

  it('drops the cumulative streams older than retention and keeps the newer ones of the same process start', () => {
    const store = open({ path: join(dir, 's.db'), retentionMs: 10 * MIN });
    // instances a and b share a pack and a start time: one group of streams
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20 * MIN, [0, 4, 0])])], RESOURCE_B), T0 + 20 * MIN);
    store.prune(T0 + 25 * MIN); // cut-off T0 + 15m: a's stream goes, b's stays
    const window = { ...scoreQuery, fromMs: T0 + 15 * MIN };
    expect(only(store.histograms(window)).counts).toEqual([0, 4, 0]);
    // b's retry adds nothing (its stream is kept); a's next point counts in full (its stream is gone)
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20 * MIN, [0, 4, 0])])], RESOURCE_B), T0 + 26 * MIN);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 26 * MIN, [2, 0, 1])])]), T0 + 26 * MIN);
    expect(only(store.histograms(window)).counts).toEqual([2, 4, 1]);
    store.close();
    const db = new Database(join(dir, 's.db'), { readonly: true });
    const groups = db.prepare('SELECT entries FROM stream_packs').all() as { entries: Buffer }[];
    db.close();
    const streams: number[] = [];
    for (const g of groups)
      forEachStream(g.entries, (s) => {
        streams.push(Number(s.timeNs / 1_000_000n) - T0);
      });
    expect(streams.sort((a, b) => a - b)).toEqual([20 * MIN, 26 * MIN]);
  });

  it('keeps spans until their TTL', () => {
    const store = open({ spanTtlMs: 5 * MIN });
    store.ingestTraces(traces([predictionSpan('p1', 0.7, T0)]), T0);
    store.prune(T0 + 5 * MIN);
    expect(store.predictionSpans({ model: 'loan', ids: ['p1'] })).toHaveLength(1);
    store.prune(T0 + 5 * MIN + 1);
    expect(store.predictionSpans({ model: 'loan', ids: ['p1'] })).toEqual([]);
  });

  it('never counts a retried delta point twice, even after its dedupe key was pruned', () => {
    const store = open({ retentionMs: 10 * MIN });
    const e = request([counter([np(T0, T0 + 10_000, 3)], 'delta')]);
    store.ingestMetrics(e, T0 + 10_000);
    store.prune(T0 + 20 * MIN);
    const before = store.stateDigest();
    expect(store.ingestMetrics(e, T0 + 20 * MIN)).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(store.stateDigest()).toBe(before);
  });

  it('continues cumulative streams across a prune (state reloaded from the file)', () => {
    const store = open({ path: join(dir, 'prune.db'), retentionMs: 10 * MIN });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    store.prune(T0 + 5 * MIN);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20_000, [4, 0, 0])])]), T0 + 5 * MIN);
    expect(only(store.histograms(scoreQuery)).count).toBe(4);
  });

  it('does not store points older than retention, but keeps following their stream', () => {
    const store = open({ retentionMs: 10 * MIN });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [5, 0, 0])])]), T0 + 20 * MIN);
    expect(store.histograms(scoreQuery)).toEqual([]);
    store.ingestMetrics(request([histogram([hp(T0, T0 + 20 * MIN, [6, 0, 0])])]), T0 + 20 * MIN);
    expect(only(store.histograms(scoreQuery)).count).toBe(1);
  });
});

// ---- spans --------------------------------------------------------------------------------------

let spanCounter = 0;
function span(name: string, attributes: Attributes, timeMs: number, traceId?: string): Span {
  spanCounter++;
  return {
    resource: RESOURCE_A,
    scope: { name: '@modelpulse/otel', version: '0.1.0' },
    traceId: traceId ?? spanCounter.toString(16).padStart(32, '0'),
    spanId: spanCounter.toString(16).padStart(16, '0'),
    name,
    kind: 1,
    startTimeUnixNano: ns(timeMs - 5),
    endTimeUnixNano: ns(timeMs),
    attributes,
    status: { code: 0, message: '' },
  };
}
function predictionSpan(
  id: string,
  score: number,
  timeMs: number,
  holdout = true,
  over: Attributes = {},
): Span {
  return span(
    'ml.predict loan',
    {
      ...MODEL,
      'ml.prediction.id': id,
      'ml.prediction.score': score,
      'ml.prediction.label': 'reject',
      'ml.holdout': holdout,
      ...over,
    },
    timeMs,
  );
}
function outcomeSpan(id: string, label: string, timeMs: number, holdout: boolean | null = true): Span {
  return span(
    'ml.outcome loan',
    {
      ...MODEL,
      'ml.prediction.id': id,
      'ml.outcome.label': label,
      ...(holdout === null ? {} : { 'ml.holdout': holdout }),
    },
    timeMs,
  );
}
function traces(spans: Span[]): TracesRequest {
  return { spans };
}

describe('spans', () => {
  it('keeps holdout prediction spans and outcome spans, ignores the rest', () => {
    const store = open();
    const p1 = predictionSpan('app-1', 0.8, T0 + 1000);
    const r = store.ingestTraces(
      traces([
        p1,
        predictionSpan('app-2', 0.3, T0 + 2000, false),
        outcomeSpan('app-1', 'approve', T0 + 5000),
        outcomeSpan('app-2', 'reject', T0 + 6000, false),
        outcomeSpan('app-3', 'reject', T0 + 7000, null),
        span('GET /health', { 'http.route': '/health' }, T0),
      ]),
      T0 + 10_000,
    );
    expect(r).toEqual({ accepted: 6, rejected: 0, errors: [] });
    expect(store.predictionSpans({ model: 'loan', ids: ['app-1', 'app-2', 'nope'] })).toEqual([
      {
        model: 'loan',
        version: '3',
        predictionId: 'app-1',
        score: 0.8,
        label: 'reject',
        traceId: p1.traceId,
        spanId: p1.spanId,
        timeMs: T0 + 1000,
      },
    ]);
    expect(store.predictionSpans({ model: 'other', ids: ['app-1'] })).toEqual([]);
    const manyIds = Array.from({ length: 50_000 }, (_, i) => `x${i}`);
    expect(
      store.predictionSpans({ model: 'loan', ids: [...manyIds, 'app-1'] }).map((p) => p.predictionId),
    ).toEqual(['app-1']);
    expect(store.predictionSpans({ model: 'loan', ids: [] })).toEqual([]);
    const outcomes = store.outcomeSpans({ model: 'loan', fromMs: T0, toMs: T0 + MIN });
    expect(outcomes.map((o) => [o.predictionId, o.outcomeLabel, o.holdout, o.timeMs])).toEqual([
      ['app-1', 'approve', true, T0 + 5000],
      ['app-3', 'reject', null, T0 + 7000],
    ]);
    expect(store.outcomeSpans({ model: 'loan', fromMs: T0 + 5001, toMs: T0 + 7000 })).toEqual([]);
  });

  it('finds the outcomes to join by id: no predicted label, not outside the holdout, of one version', () => {
    const store = open();
    const labelled = span(
      'ml.outcome loan',
      {
        ...MODEL,
        'ml.prediction.id': 'app-4',
        'ml.outcome.label': 'approve',
        'ml.prediction.label': 'reject',
      },
      T0 + 4000,
    );
    const otherVersion = span(
      'ml.outcome loan',
      { ...MODEL, 'ml.model.version': '4', 'ml.prediction.id': 'app-5', 'ml.outcome.label': 'approve' },
      T0 + 4500,
    );
    store.ingestTraces(
      traces([
        labelled,
        otherVersion,
        outcomeSpan('app-1', 'approve', T0 + 5000),
        outcomeSpan('app-3', 'reject', T0 + 7000, null),
        outcomeSpan('app-6', 'reject', T0 + 8000),
      ]),
      T0 + 10_000,
    );
    const ids = (fromMs: number, toMs: number, version = '3') =>
      store.unlabelledOutcomes({ model: 'loan', version, fromMs, toMs }).map((o) => o.predictionId);
    expect(ids(T0, T0 + MIN)).toEqual(['app-1', 'app-3', 'app-6']);
    expect(ids(T0 + 5001, T0 + 8000)).toEqual(['app-3']);
    expect(ids(T0, T0 + MIN, '4')).toEqual(['app-5']);
    expect(store.outcomeSpans({ model: 'loan', fromMs: T0, toMs: T0 + MIN })).toHaveLength(5);
  });

  it('finds outcomes and exemplars that arrive after a query found none, and those of a reopened file', () => {
    const path = join(dir, 'presence.db');
    let store = Store.open({ path });
    const window = { model: 'loan', version: '3', fromMs: T0, toMs: T0 + MIN };
    const recent = { ...window, scoreBuckets: [11], limit: 5 };
    try {
      // Asked before any span arrived: nothing, and the store learns that the version has none.
      expect(store.unlabelledOutcomes(window)).toEqual([]);
      expect(store.recentExemplars(recent)).toEqual([]);
      store.ingestTraces(
        traces([outcomeSpan('app-1', 'approve', T0 + 5000), predictionSpan('p-1', 0.52, T0 + 6000, false)]),
        T0 + 10_000,
      );
      expect(store.unlabelledOutcomes(window).map((o) => o.predictionId)).toEqual(['app-1']);
      expect(store.recentExemplars(recent).map((e) => e.traceId)).toHaveLength(1);
      // Another version of the model still has none.
      expect(store.unlabelledOutcomes({ ...window, version: '4' })).toEqual([]);
      expect(store.recentExemplars({ ...recent, version: '4' })).toEqual([]);
      store.close();
      store = Store.open({ path });
      expect(store.unlabelledOutcomes(window).map((o) => o.predictionId)).toEqual(['app-1']);
      expect(store.recentExemplars(recent).map((e) => e.traceId)).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('stores a span received twice once; of two spans for one id the earliest prediction and latest outcome win', () => {
    const store = open();
    const first = predictionSpan('app-1', 0.8, T0 + 1000);
    const later = predictionSpan('app-1', 0.2, T0 + 2000);
    const o1 = outcomeSpan('app-1', 'approve', T0 + 3000);
    const o2 = outcomeSpan('app-1', 'reject', T0 + 4000);
    store.ingestTraces(traces([later, first, o2, o1]), T0);
    const before = store.stateDigest();
    store.ingestTraces(traces([first, later, o1, o2]), T0);
    expect(store.stateDigest()).toBe(before);
    expect(store.predictionSpans({ model: 'loan', ids: ['app-1'] }).map((p) => p.score)).toEqual([0.8]);
    expect(
      store.outcomeSpans({ model: 'loan', fromMs: 0, toMs: T0 + MIN }).map((o) => o.outcomeLabel),
    ).toEqual(['reject']);
  });

  it('rejects modelpulse spans that lack what they need, applying the rest', () => {
    const store = open();
    const noModel = span('ml.predict', { 'ml.prediction.id': 'x', 'ml.holdout': true }, T0);
    const noLabel = span('ml.outcome loan', { ...MODEL, 'ml.prediction.id': 'x' }, T0);
    const r = store.ingestTraces(traces([noModel, noLabel, predictionSpan('ok', 0.5, T0)]), T0);
    expect(r).toEqual({
      accepted: 1,
      rejected: 2,
      errors: ['span "ml.predict" has no ml.model.name', 'span "ml.outcome loan" has no ml.outcome.label'],
    });
    expect(store.predictionSpans({ model: 'loan', ids: ['ok'] })).toHaveLength(1);
  });

  it('does not keep spans already past their TTL when they arrive', () => {
    const store = open({ spanTtlMs: 5 * MIN });
    store.ingestTraces(traces([predictionSpan('old', 0.5, T0)]), T0 + 6 * MIN);
    expect(store.predictionSpans({ model: 'loan', ids: ['old'] })).toEqual([]);
  });
});

describe('exemplars', () => {
  it('keeps a bounded uniform sample of trace ids per model, version, score bucket and time bucket', () => {
    const store = open({ exemplarsPerBucket: 3 });
    // 12 spans with score 0.52 (bucket (0.5, 0.55] = 11) in one minute; 2 with 1.0 (bucket 20); 1 in v4
    const many = Array.from({ length: 12 }, (_, i) => predictionSpan(`m${i}`, 0.52, T0 + i * 1000, false));
    const top = [predictionSpan('t1', 1, T0 + 100, false), predictionSpan('t2', 1, T0 + 200, false)];
    const v4 = predictionSpan('v', 0.52, T0 + 300, false, { 'ml.model.version': '4' });
    const nextMinute = predictionSpan('n', 0.52, T0 + MIN + 1, false);
    store.ingestTraces(traces([...many, ...top, v4, nextMinute]), T0 + MIN);

    const lowest3 = [...many]
      .sort((a, b) => priority(a.traceId, a.spanId) - priority(b.traceId, b.spanId))
      .slice(0, 3);
    const inFirstMinute = store.exemplars({ model: 'loan', version: '3', fromMs: T0, toMs: T0 + MIN });
    expect(inFirstMinute.filter((e) => e.scoreBucket === 11).map((e) => e.traceId)).toEqual(
      lowest3.map((s) => s.traceId),
    );
    expect(
      inFirstMinute
        .filter((e) => e.scoreBucket === 20)
        .map((e) => e.traceId)
        .sort(),
    ).toEqual(top.map((s) => s.traceId).sort());
    expect(inFirstMinute).toHaveLength(5);
    expect(store.exemplars({ model: 'loan', version: '4', fromMs: T0, toMs: T0 + MIN })).toEqual([
      { scoreBucket: 11, traceId: v4.traceId, spanId: v4.spanId, timeMs: T0 + 300 },
    ]);
    expect(
      store.exemplars({ model: 'loan', fromMs: T0 + MIN, toMs: T0 + 2 * MIN }).map((e) => e.traceId),
    ).toEqual([nextMinute.traceId]);
  });

  it('gives the newest exemplars of each asked score bucket, up to a limit', () => {
    const store = open({ exemplarsPerBucket: 3 });
    // Four minutes, each with two spans scored 0.52 (bucket 11) and one scored 1 (bucket 20); one in v4.
    const spans = [0, 1, 2, 3].flatMap((m) => [
      predictionSpan(`a${m}`, 0.52, T0 + m * MIN + 1000, false),
      predictionSpan(`b${m}`, 0.52, T0 + m * MIN + 2000, false),
      predictionSpan(`c${m}`, 1, T0 + m * MIN + 3000, false),
    ]);
    const v4 = predictionSpan('v', 0.52, T0 + 3 * MIN, false, { 'ml.model.version': '4' });
    store.ingestTraces(traces([...spans, v4]), T0 + 4 * MIN);

    const inBucket11 = spans.filter((s) => s.attributes['ml.prediction.score'] === 0.52);
    const newestFirst = (a: Span, b: Span) =>
      Math.floor(Number(b.endTimeUnixNano / 1_000_000n) / MIN) -
        Math.floor(Number(a.endTimeUnixNano / 1_000_000n) / MIN) || (a.traceId < b.traceId ? 1 : -1);
    const query = { model: 'loan', version: '3', scoreBuckets: [11], fromMs: T0, toMs: T0 + 4 * MIN };
    expect(store.recentExemplars({ ...query, limit: 5 }).map((e) => e.traceId)).toEqual(
      [...inBucket11]
        .sort(newestFirst)
        .slice(0, 5)
        .map((s) => s.traceId),
    );
    // The window bounds apply, and other buckets and versions stay out.
    expect(
      store
        .recentExemplars({ ...query, fromMs: T0 + MIN, toMs: T0 + 2 * MIN, limit: 10 })
        .map((e) => e.traceId),
    ).toEqual(
      inBucket11
        .slice(2, 4)
        .sort(newestFirst)
        .map((s) => s.traceId),
    );
    expect(store.recentExemplars({ ...query, scoreBuckets: [20], limit: 10 })).toHaveLength(4);
    // Several buckets: each its own newest, one bucket after the other.
    expect(
      store.recentExemplars({ ...query, scoreBuckets: [20, 11], limit: 2 }).map((e) => e.scoreBucket),
    ).toEqual([20, 20, 11, 11]);
    expect(store.recentExemplars({ ...query, fromMs: T0 + 10 * MIN, toMs: T0 + 20 * MIN, limit: 2 })).toEqual(
      [],
    );
    expect(store.recentExemplars({ ...query, version: '4', limit: 10 }).map((e) => e.traceId)).toEqual([
      v4.traceId,
    ]);
  });

  it('is reproducible: the same spans in another order, split or repeated give the same state', () => {
    const spans = Array.from({ length: 30 }, (_, i) =>
      predictionSpan(`s${i}`, (i % 4) / 4, T0 + i * 100, false),
    );
    const a = open();
    a.ingestTraces(traces(spans), T0);
    const b = open();
    const reversed = [...spans].reverse();
    b.ingestTraces(traces(reversed.slice(0, 13)), T0);
    b.ingestTraces(traces(reversed.slice(10)), T0);
    b.ingestTraces(traces(spans), T0);
    expect(b.stateDigest()).toBe(a.stateDigest());
    expect(a.exemplars({ model: 'loan', fromMs: T0, toMs: T0 + MIN })).toHaveLength(4 * 5);
  });
});

// ---- digest and restart -------------------------------------------------------------------------

describe('stateDigest and restart', () => {
  it('does not depend on the order series were first seen in', () => {
    const e1 = request([counter([np(T0, T0 + 10_000, 3)], 'delta')]);
    const e2 = request([histogram([hp(T0, T0 + 10_000, [1, 1, 1])], 'delta')], RESOURCE_B);
    const a = open();
    a.ingestMetrics(e1, T0);
    a.ingestMetrics(e2, T0);
    const b = open();
    b.ingestMetrics(e2, T0);
    b.ingestMetrics(e1, T0);
    expect(a.stateDigest()).toBe(b.stateDigest());
    expect(a.stateDigest()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sees everything committed after close and reopen, and continues cumulative streams', () => {
    const path = join(dir, 'restart.db');
    const store = Store.open({ path });
    store.ingestMetrics(
      request([histogram([hp(T0, T0 + 10_000, [1, 2, 0])]), counter([np(T0, T0 + 10_000, 4)])]),
      T0,
    );
    store.ingestTraces(traces([predictionSpan('app-1', 0.9, T0), outcomeSpan('app-1', 'ok', T0 + 1)]), T0);
    const digest = store.stateDigest();
    const models = store.models();
    store.close();

    const reopened = open({ path });
    expect(reopened.stateDigest()).toBe(digest);
    expect(reopened.models()).toEqual(models);
    expect(reopened.predictionSpans({ model: 'loan', ids: ['app-1'] })).toHaveLength(1);
    // the cumulative state survived: the next export adds only what is new
    reopened.ingestMetrics(
      request([histogram([hp(T0, T0 + 20_000, [1, 3, 1])]), counter([np(T0, T0 + 20_000, 6)])]),
      T0,
    );
    expect(only(reopened.histograms(scoreQuery))).toMatchObject({ count: 5, counts: [1, 3, 1] });
    expect(only(reopened.counters(outcomeQuery)).value).toBe(6);
    // and a retry of the export before the restart still adds nothing
    const after = reopened.stateDigest();
    reopened.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 2, 0])])]), T0);
    expect(reopened.stateDigest()).toBe(after);
  });

  it('works the same in memory', () => {
    const store = open({ path: ':memory:' });
    store.ingestMetrics(request([histogram([hp(T0, T0 + 10_000, [1, 0, 0])])]), T0);
    expect(only(store.histograms(scoreQuery)).count).toBe(1);
  });
});
