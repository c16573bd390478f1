import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { packFloat64 } from './blob.js';
import { forEachEntry } from './pack.js';

/**
 * Everything stored, in a fixed order, by natural keys (never by row ids, which depend on insertion
 * order), except liveness (the `instances` table behind `models()`): every accepted export refreshes it,
 * retries included, and the digest answers "did the data change", so that a retried export proves that
 * nothing changed.
 */
const DUMPS: readonly string[] = [
  "SELECT key, value FROM meta WHERE key <> 'log_epoch' ORDER BY key", // the epoch counts checkpoints, not data
  'SELECT key, kind, instrument, model, version, scope, resource, instance, attributes, hex(bounds) FROM series ORDER BY key',
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
  hash.update('\n#buckets\n');
  for (const entry of bucketEntries(db)) hash.update(`${JSON.stringify(entry)}\n`);
  return hash.digest('hex');
}

/** Every pack entry as [series key, bucket, count, sum, counts as hex or null], by series key and bucket. */
function bucketEntries(db: Database.Database): [string, number, number, number, string | null][] {
  const keys = new Map<number, string>();
  for (const { id, key } of db
    .prepare<[], { id: number; key: string }>('SELECT id, key FROM series')
    .iterate())
    keys.set(id, key);
  const out: [string, number, number, number, string | null][] = [];
  const packs = db.prepare<[], { bucket_ms: number; entries: Buffer }>(
    'SELECT bucket_ms, entries FROM packs',
  );
  for (const { bucket_ms, entries } of packs.iterate()) {
    forEachEntry(entries, (id, count, sum, counts, width) => {
      const hex = width < 0 ? null : packFloat64(counts.subarray(0, width)).toString('hex');
      out.push([keys.get(id) ?? `#${id}`, bucket_ms, count, sum, hex]);
    });
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}
