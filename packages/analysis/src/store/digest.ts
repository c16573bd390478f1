import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/**
 * Everything stored, in a fixed order, by natural keys (never by row ids, which depend on insertion
 * order), except liveness (the `instances` table behind `models()`): every accepted export refreshes it,
 * retries included, and the digest answers "did the data change", so that a retried export proves that
 * nothing changed.
 */
const DUMPS: readonly string[] = [
  "SELECT key, value FROM meta WHERE key <> 'log_epoch' ORDER BY key", // the epoch counts checkpoints, not data
  'SELECT key, kind, instrument, model, version, scope, resource, instance, attributes, hex(bounds) FROM series ORDER BY key',
  `SELECT s.key, b.bucket_ms, b.count, b.sum, hex(b.counts)
   FROM buckets b JOIN series s ON s.id = b.series_id ORDER BY s.key, b.bucket_ms`,
  `SELECT s.key, CAST(c.start_ns AS TEXT), CAST(c.time_ns AS TEXT), c.count, c.sum, hex(c.counts)
   FROM cumulative c JOIN series s ON s.id = c.series_id ORDER BY s.key, c.start_ns`,
  `SELECT s.key, CAST(d.start_ns AS TEXT), CAST(d.time_ns AS TEXT)
   FROM delta_applied d JOIN series s ON s.id = d.series_id ORDER BY s.key, d.start_ns, d.time_ns`,
  'SELECT * FROM predictions ORDER BY model, prediction_id',
  'SELECT * FROM outcomes ORDER BY model, prediction_id',
  `SELECT model, version, time_bucket_ms, score_bucket, trace_id, span_id, priority, time_ms FROM exemplars
   ORDER BY model, version, time_bucket_ms, score_bucket, trace_id, span_id`,
];

export function stateDigest(db: Database.Database): string {
  const hash = createHash('sha256');
  for (const sql of DUMPS) {
    hash.update(`\n#${sql}\n`);
    for (const row of db.prepare(sql).raw(true).iterate()) hash.update(`${JSON.stringify(row)}\n`);
  }
  return hash.digest('hex');
}
