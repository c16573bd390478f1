import type Database from 'better-sqlite3';
import { NANOS_PER_MS } from './aggregate.js';
import { float64FromBlob } from './blob.js';
import {
  type PackEntry,
  packDeltas,
  packEntries,
  packStreams,
  START_HOUR_NS,
  type StreamEntry,
} from './pack.js';

/**
 * The schema, versioned by `PRAGMA user_version`: migration i takes a database from version i to i + 1.
 * Append migrations, never edit a shipped one.
 *
 * - `meta`: settings fixed for the life of the file (`bucket_ms`).
 * - `series`: one row per series key (see series-key.ts) with its parts, for queries; its pack, and a
 *   bucket it has data in, noted at most an hour apart (for pruning series without data).
 * - `packs`: the summed deltas per (time bucket, pack), in time order; a pack is one model's series of
 *   one instrument and kind (`pack_keys`), its BLOB one entry per series (pack.ts), with the (series,
 *   start, time) of the delta points applied in the bucket, to drop retried exports.
 * - `stream_packs`: the last applied point of every cumulative stream, one row per pack and hour of start
 *   time (pack.ts), with the times of its oldest and newest stream for pruning.
 * - `instances`: liveness per model / version / instance, for `models()`.
 * - `predictions`, `outcomes`: holdout prediction spans and outcome spans, by (model, prediction id).
 * - `exemplars`: the bounded trace-id reservoirs.
 * Nanosecond times are INTEGER (signed 64 bit, enough until 2262).
 */
const MIGRATIONS: readonly (string | ((db: Database.Database) => void))[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    instrument TEXT NOT NULL,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    scope TEXT NOT NULL,
    resource TEXT NOT NULL,
    instance TEXT NOT NULL,
    attributes TEXT NOT NULL,
    bounds BLOB
  ) STRICT;
  CREATE INDEX series_by_model ON series (model, instrument, version);
  CREATE TABLE buckets (
    series_id INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    count REAL NOT NULL,
    sum REAL NOT NULL,
    counts BLOB,
    PRIMARY KEY (series_id, bucket_ms)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX buckets_by_time ON buckets (bucket_ms);
  CREATE TABLE cumulative (
    series_id INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    time_ns INTEGER NOT NULL,
    count REAL NOT NULL,
    sum REAL NOT NULL,
    counts BLOB,
    PRIMARY KEY (series_id, start_ns)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX cumulative_by_time ON cumulative (time_ns);
  CREATE TABLE delta_applied (
    series_id INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    time_ns INTEGER NOT NULL,
    PRIMARY KEY (series_id, start_ns, time_ns)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX delta_applied_by_time ON delta_applied (time_ns);
  CREATE TABLE instances (
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    instance TEXT NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (model, version, instance)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE predictions (
    model TEXT NOT NULL,
    prediction_id TEXT NOT NULL,
    version TEXT NOT NULL,
    score REAL,
    label TEXT,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (model, prediction_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX predictions_by_time ON predictions (time_ms);
  CREATE TABLE outcomes (
    model TEXT NOT NULL,
    prediction_id TEXT NOT NULL,
    version TEXT NOT NULL,
    outcome_label TEXT NOT NULL,
    predicted_label TEXT,
    score REAL,
    holdout INTEGER,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (model, prediction_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX outcomes_by_time ON outcomes (model, time_ms);
  CREATE TABLE exemplars (
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    time_bucket_ms INTEGER NOT NULL,
    score_bucket INTEGER NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    priority REAL NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (model, version, time_bucket_ms, score_bucket, trace_id, span_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX exemplars_by_time ON exemplars (time_bucket_ms);
  `,
  // 2: buckets stored in time order. Rolling windows read the minute that leaves them every cycle, and
  // checkpoints write the current minute: both touch a few neighbouring pages instead of one page per
  // series. Reading one series over time goes through the new index.
  `
  CREATE TABLE buckets_in_time_order (
    series_id INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    count REAL NOT NULL,
    sum REAL NOT NULL,
    counts BLOB,
    PRIMARY KEY (bucket_ms, series_id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO buckets_in_time_order (series_id, bucket_ms, count, sum, counts)
    SELECT series_id, bucket_ms, count, sum, counts FROM buckets ORDER BY bucket_ms, series_id;
  DROP TABLE buckets;
  ALTER TABLE buckets_in_time_order RENAME TO buckets;
  CREATE INDEX buckets_by_series ON buckets (series_id, bucket_ms);
  `,
  // 3: the outcomes the analysis joins to their prediction by id (no predicted label), found without
  // reading every outcome of the window each cycle.
  `
  CREATE INDEX outcomes_unlabelled ON outcomes (model, version, time_ms) WHERE predicted_label IS NULL;
  `,
  // 4: the newest exemplars of one score bucket (a drift report's moved buckets) found by a seek. Through
  // the primary key, a bucket with few or no exemplars in the window meant reading all of the window's.
  `
  CREATE INDEX exemplars_by_score ON exemplars (model, version, score_bucket, time_bucket_ms);
  `,
  // 5: one row per pack (a model's series of one instrument and kind) and time bucket instead of one per
  // series: a checkpoint wrote one row and one entry of the per-series index for every point a minute.
  packBuckets,
];

/** The pack of every series; its rows become one row per pack and bucket. */
function packBuckets(db: Database.Database): void {
  db.exec(`
    CREATE TABLE pack_keys (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      model TEXT NOT NULL,
      instrument TEXT NOT NULL,
      UNIQUE (kind, model, instrument)
    ) STRICT;
    ALTER TABLE series ADD COLUMN pack_id INTEGER;
    ALTER TABLE series ADD COLUMN noted_bucket_ms INTEGER;
    INSERT INTO pack_keys (kind, model, instrument)
      SELECT DISTINCT kind, model, instrument FROM series ORDER BY model, instrument, kind;
    UPDATE series SET pack_id = (
      SELECT p.id FROM pack_keys p
      WHERE p.kind = series.kind AND p.model = series.model AND p.instrument = series.instrument);
    UPDATE series SET noted_bucket_ms = (SELECT max(bucket_ms) FROM buckets WHERE series_id = series.id);
    CREATE TABLE packs (
      bucket_ms INTEGER NOT NULL,
      pack_id INTEGER NOT NULL,
      entries BLOB NOT NULL,
      deltas BLOB,
      PRIMARY KEY (bucket_ms, pack_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX packs_by_pack ON packs (pack_id, bucket_ms);
    CREATE TABLE stream_packs (
      pack_id INTEGER NOT NULL,
      start_hour INTEGER NOT NULL,
      oldest_ns INTEGER NOT NULL,
      newest_ns INTEGER NOT NULL,
      entries BLOB NOT NULL,
      PRIMARY KEY (pack_id, start_hour)
    ) STRICT, WITHOUT ROWID;
    UPDATE series SET noted_bucket_ms = max(coalesce(noted_bucket_ms, -9223372036854775808), (
      SELECT max(time_ns) / 1000000 FROM cumulative WHERE series_id = series.id))
    WHERE id IN (SELECT series_id FROM cumulative);
  `);
  packStreamsOf(db);
  packDeltasOf(db);
  // A bucket at a time: one connection cannot write while it steps through a read.
  const buckets = db
    .prepare('SELECT DISTINCT bucket_ms FROM buckets ORDER BY bucket_ms')
    .pluck()
    .all() as number[];
  const rowsOf = db.prepare<
    [number],
    { pack_id: number; series_id: number; count: number; sum: number; counts: Buffer | null }
  >(
    `SELECT s.pack_id, b.series_id, b.count, b.sum, b.counts
     FROM buckets b JOIN series s ON s.id = b.series_id WHERE b.bucket_ms = ? ORDER BY s.pack_id, b.series_id`,
  );
  // The packs of delta identities are there already.
  const insert = db.prepare<[number, number, Buffer]>(
    `INSERT INTO packs (bucket_ms, pack_id, entries) VALUES (?, ?, ?)
     ON CONFLICT (bucket_ms, pack_id) DO UPDATE SET entries = excluded.entries`,
  );
  for (const bucketMs of buckets) {
    let entries: PackEntry[] = [];
    let packId = 0;
    for (const row of rowsOf.all(bucketMs)) {
      if (entries.length > 0 && row.pack_id !== packId) {
        insert.run(bucketMs, packId, packEntries(entries));
        entries = [];
      }
      packId = row.pack_id;
      entries.push({
        seriesId: row.series_id,
        count: row.count,
        sum: row.sum,
        counts: row.counts === null ? null : float64FromBlob(row.counts),
      });
    }
    if (entries.length > 0) insert.run(bucketMs, packId, packEntries(entries));
  }
  db.exec('DROP TABLE buckets');
}

/**
 * The identities of applied delta points, one row per point, into the packs of their time buckets (rows
 * with no entries where the points added nothing), before the buckets are packed.
 */
function packDeltasOf(db: Database.Database): void {
  const width = Number(db.prepare("SELECT value FROM meta WHERE key = 'bucket_ms'").pluck().get() ?? 60_000);
  const widthNs = BigInt(width) * NANOS_PER_MS;
  // A bucket at a time, as for the buckets: a store can hold hundreds of millions of points.
  const buckets = db
    .prepare<[bigint], bigint>('SELECT DISTINCT time_ns / ? FROM delta_applied ORDER BY 1')
    .pluck()
    .safeIntegers(true)
    .all(widthNs);
  const rowsOf = db
    .prepare<[bigint, bigint], { pack_id: bigint; series_id: bigint; start_ns: bigint; time_ns: bigint }>(
      `SELECT s.pack_id, d.series_id, d.start_ns, d.time_ns
       FROM delta_applied d JOIN series s ON s.id = d.series_id WHERE d.time_ns >= ? AND d.time_ns < ?`,
    )
    .safeIntegers(true);
  const insert = db.prepare<[number, number, Buffer, Buffer]>(
    'INSERT INTO packs (bucket_ms, pack_id, entries, deltas) VALUES (?, ?, ?, ?)',
  );
  for (const bucket of buckets) {
    const byPack = new Map<number, Map<number, bigint[]>>();
    for (const row of rowsOf.all(bucket * widthNs, (bucket + 1n) * widthNs)) {
      const packId = Number(row.pack_id);
      let deltas = byPack.get(packId);
      if (!deltas) {
        deltas = new Map();
        byPack.set(packId, deltas);
      }
      const seriesId = Number(row.series_id);
      const pairs = deltas.get(seriesId) ?? [];
      pairs.push(row.start_ns, row.time_ns);
      deltas.set(seriesId, pairs);
    }
    for (const [packId, deltas] of byPack)
      insert.run(Number(bucket) * width, packId, Buffer.alloc(0), packDeltas(deltas));
  }
  db.exec('DROP TABLE delta_applied');
}

/** The cumulative state, one row per stream, into one row per pack and hour of start time. */
function packStreamsOf(db: Database.Database): void {
  const rows = db
    .prepare<
      [],
      {
        pack_id: bigint;
        start_ns: bigint;
        series_id: bigint;
        time_ns: bigint;
        count: number;
        sum: number;
        counts: Buffer | null;
      }
    >(
      `SELECT s.pack_id, c.start_ns, c.series_id, c.time_ns, c.count, c.sum, c.counts
       FROM cumulative c JOIN series s ON s.id = c.series_id ORDER BY s.pack_id, c.start_ns, c.series_id`,
    )
    .safeIntegers(true)
    .all(); // one row per stream: a few per series
  const insert = db.prepare<[bigint, bigint, bigint, bigint, Buffer]>(
    'INSERT INTO stream_packs (pack_id, start_hour, oldest_ns, newest_ns, entries) VALUES (?, ?, ?, ?, ?)',
  );
  let group: StreamEntry[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    group.push({
      seriesId: Number(row.series_id),
      startNs: row.start_ns,
      timeNs: row.time_ns,
      count: row.count,
      sum: row.sum,
      counts: row.counts === null ? null : float64FromBlob(row.counts),
    });
    const hour = row.start_ns / START_HOUR_NS;
    const next = rows[i + 1];
    if (next !== undefined && next.pack_id === row.pack_id && next.start_ns / START_HOUR_NS === hour)
      continue;
    const { blob, oldestNs, newestNs } = packStreams(group);
    insert.run(row.pack_id, hour, oldestNs, newestNs, blob);
    group = [];
  }
  db.exec('DROP TABLE cumulative');
}

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Journal and durability settings; see StoreOptions.synchronous for the choice of NORMAL. */
export function configure(db: Database.Database, synchronous: 'normal' | 'full'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // SQLite's default page cache is 2 MB. Moving windows reads megabytes of bucket rows each cycle; with
  // 2 MB, each small query after them (outcomes, exemplars, series) read its index pages again. 64 MiB is a
  // ceiling, filled only as pages are read.
  db.pragma('cache_size = -65536');
  // Every export rewrites the same rows (bucket totals, cumulative state): a checkpoint copies each page
  // once however many commits changed it, so rarer checkpoints (≈ 40 MB of WAL instead of 4) copy and
  // sync far less. Durability is the WAL's either way.
  db.pragma('wal_autocheckpoint = 10000');
}

/** Brings the schema to SCHEMA_VERSION, in one transaction. */
export function migrate(db: Database.Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The store at ${path} has schema version ${current}, newer than this modelpulse understands (${SCHEMA_VERSION}); upgrade modelpulse.`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  // Rewriting the bucket rows (in time order: 2; into packs: 5) takes seconds per million rows on a small
  // machine: say why the service is not listening yet.
  if (current >= 1 && current < 5) {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const rows = count('buckets');
    const keys = count('delta_applied');
    if (rows + keys > 0) {
      console.warn(
        `modelpulse: upgrading the store at ${path} from schema ${current} to ${SCHEMA_VERSION}: rewriting ${rows} bucket rows and ${keys} delta point keys, once (about ${current === 1 ? 16 : 4} s per million bucket rows, 2 s per million keys).`,
      );
    }
  }
  db.transaction(() => {
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v] as string | ((db: Database.Database) => void);
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** The bucket width the file was created with; records `requested` (or the default) on a new file. */
export function settleBucketMs(
  db: Database.Database,
  path: string,
  requested: number | undefined,
  fallback: number,
): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'bucket_ms'").get() as
    | { value: string }
    | undefined;
  if (row === undefined) {
    const bucketMs = requested ?? fallback;
    db.prepare("INSERT INTO meta (key, value) VALUES ('bucket_ms', ?)").run(String(bucketMs));
    return bucketMs;
  }
  const stored = Number(row.value);
  if (requested !== undefined && requested !== stored) {
    throw new Error(
      `The store at ${path} was created with bucketMs ${stored}; opening it with bucketMs ${requested} would mix bucket widths.`,
    );
  }
  return stored;
}
