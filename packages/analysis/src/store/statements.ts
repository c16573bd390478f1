import type Database from 'better-sqlite3';
import { RowWriter } from './row-writer.js';

/**
 * Every statement the store runs, prepared once per connection.
 * @internal (its inferred type names better-sqlite3 internals that declarations cannot reference)
 */
export function prepareStatements(db: Database.Database) {
  const p = <P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> =>
    db.prepare<P, R>(sql) as Database.Statement<P, R>;
  return {
    seriesId: p<[string], { id: number; pack_id: number }>('SELECT id, pack_id FROM series WHERE key = ?'),
    insertSeries: p<
      [string, string, string, string, string, string, string, string, string, Buffer | null, number],
      { id: number }
    >(
      `INSERT INTO series (key, kind, instrument, model, version, scope, resource, instance, attributes, bounds, pack_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ),
    packId: p<[string, string, string], { id: number }>(
      'SELECT id FROM pack_keys WHERE kind = ? AND model = ? AND instrument = ?',
    ),
    insertPackKey: p<[string, string, string], { id: number }>(
      'INSERT INTO pack_keys (kind, model, instrument) VALUES (?, ?, ?) RETURNING id',
    ),
    packOf: p<[number, number], { entries: Buffer; deltas: Buffer | null }>(
      'SELECT entries, deltas FROM packs WHERE bucket_ms = ? AND pack_id = ?',
    ),
    newestOfPack: p<[number], { max: number | null }>(
      'SELECT max(bucket_ms) AS max FROM packs WHERE pack_id = ?',
    ),
    noteSeries: p<[number, number, number]>(
      'UPDATE series SET noted_bucket_ms = max(coalesce(noted_bucket_ms, ?), ?) WHERE id = ?',
    ),
    streamsOf: p<[number, bigint], { entries: Buffer }>(
      'SELECT entries FROM stream_packs WHERE pack_id = ? AND start_hour = ?',
    ),
    // A pack holds every entry of its bucket (computed in memory), so it replaces the stored one.
    writePacks: new RowWriter(
      db,
      'INSERT OR REPLACE INTO packs (bucket_ms, pack_id, entries, deltas)',
      4,
      '',
    ),
    // A group holds every stream of its pack and start hour (computed in memory): it replaces the stored one.
    writeStreams: new RowWriter(
      db,
      'INSERT OR REPLACE INTO stream_packs (pack_id, start_hour, oldest_ns, newest_ns, entries)',
      5,
      '',
    ),
    touchInstance: p<[string, string, string, number]>(
      `INSERT INTO instances (model, version, instance, last_seen_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (model, version, instance) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
    ),
    // Of two spans with one prediction id the earliest is kept, of two outcomes the latest (a correction);
    // ties break on the ids, so the result does not depend on arrival order.
    upsertPrediction: p<[string, string, string, number | null, string | null, string, string, number]>(
      `INSERT INTO predictions (model, prediction_id, version, score, label, trace_id, span_id, time_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, prediction_id) DO UPDATE SET
         version = excluded.version, score = excluded.score, label = excluded.label,
         trace_id = excluded.trace_id, span_id = excluded.span_id, time_ms = excluded.time_ms
       WHERE (excluded.time_ms, excluded.trace_id, excluded.span_id)
           < (predictions.time_ms, predictions.trace_id, predictions.span_id)`,
    ),
    upsertOutcome: p<
      [string, string, string, string, string | null, number | null, number | null, string, string, number]
    >(
      `INSERT INTO outcomes (model, prediction_id, version, outcome_label, predicted_label, score, holdout,
         trace_id, span_id, time_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, prediction_id) DO UPDATE SET
         version = excluded.version, outcome_label = excluded.outcome_label,
         predicted_label = excluded.predicted_label, score = excluded.score, holdout = excluded.holdout,
         trace_id = excluded.trace_id, span_id = excluded.span_id, time_ms = excluded.time_ms
       WHERE (excluded.time_ms, excluded.trace_id, excluded.span_id)
           > (outcomes.time_ms, outcomes.trace_id, outcomes.span_id)`,
    ),
    reservoir: p<
      [string, string, number, number],
      { trace_id: string; span_id: string; priority: number; time_ms: number }
    >(
      `SELECT trace_id, span_id, priority, time_ms FROM exemplars
       WHERE model = ? AND version = ? AND time_bucket_ms = ? AND score_bucket = ?`,
    ),
    insertExemplar: p<[string, string, number, number, string, string, number, number]>(
      `INSERT OR IGNORE INTO exemplars (model, version, time_bucket_ms, score_bucket, trace_id, span_id, priority, time_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteExemplar: p<[string, string, number, number, string, string]>(
      `DELETE FROM exemplars
       WHERE model = ? AND version = ? AND time_bucket_ms = ? AND score_bucket = ? AND trace_id = ? AND span_id = ?`,
    ),
    logEpoch: p<[], { value: string }>("SELECT value FROM meta WHERE key = 'log_epoch'"),
    setLogEpoch: p<[string]>("INSERT OR REPLACE INTO meta (key, value) VALUES ('log_epoch', ?)"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
