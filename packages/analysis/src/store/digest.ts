import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { packFloat64 } from './blob.js';
import { forEachDelta, forEachEntry, forEachStream } from './pack.js';

/**
 * Everything stored, in a fixed order, by natural keys (never by row ids, which depend on insertion
 * order), except liveness (the `instances` table behind `models()`): every accepted export refreshes it,
 * retries included, and the digest answers "did the data change", so that a retried export proves that
 * nothing changed.
 */
const DUMPS: readonly string[] = [
  "SELECT key, value FROM meta WHERE key <> 'log_epoch' ORDER BY key", // the epoch counts checkpoints, not data
  'SELECT key, kind, instrument, model, version, scope, resource, instance, attributes, hex(bounds) FROM series ORDER BY key',
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
  const keys = seriesKeys(db);
  hash.update('\n#buckets\n');
  for (const entry of bucketEntries(db, keys)) hash.update(`${JSON.stringify(entry)}\n`);
  hash.update('\n#deltas\n');
  for (const entry of deltaEntries(db, keys)) hash.update(`${JSON.stringify(entry)}\n`);
  hash.update('\n#streams\n');
  for (const entry of streamEntries(db, keys)) hash.update(`${JSON.stringify(entry)}\n`);
  return hash.digest('hex');
}

function seriesKeys(db: Database.Database): Map<number, string> {
  const keys = new Map<number, string>();
  const rows = db.prepare<[], { id: number; key: string }>('SELECT id, key FROM series');
  for (const { id, key } of rows.iterate()) keys.set(id, key);
  return keys;
}

const hex = (counts: Float64Array | null) => (counts === null ? null : packFloat64(counts).toString('hex'));

type Bucket = [key: string, bucketMs: number, count: number, sum: number, counts: string | null];

/** Every pack entry, by series key and bucket. */
function bucketEntries(db: Database.Database, keys: Map<number, string>): Bucket[] {
  const out: Bucket[] = [];
  const packs = db.prepare<[], { bucket_ms: number; entries: Buffer }>(
    'SELECT bucket_ms, entries FROM packs',
  );
  for (const { bucket_ms, entries } of packs.iterate()) {
    forEachEntry(entries, (id, count, sum, counts, width) => {
      out.push([
        keys.get(id) ?? `#${id}`,
        bucket_ms,
        count,
        sum,
        hex(width < 0 ? null : counts.subarray(0, width)),
      ]);
    });
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}

type Stream = [
  key: string,
  startNs: string,
  timeNs: string,
  count: number,
  sum: number,
  counts: string | null,
];

/** Every cumulative stream, by series key and start time. */
function streamEntries(db: Database.Database, keys: Map<number, string>): Stream[] {
  const out: [Stream, bigint][] = [];
  const groups = db.prepare<[], { entries: Buffer }>('SELECT entries FROM stream_packs').safeIntegers(true);
  for (const { entries } of groups.iterate()) {
    forEachStream(entries, ({ seriesId, startNs, timeNs, count, sum, counts }) => {
      const key = keys.get(seriesId) ?? `#${seriesId}`;
      out.push([[key, String(startNs), String(timeNs), count, sum, hex(counts)], startNs]);
    });
  }
  out.sort(([a, as], [b, bs]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : as < bs ? -1 : as > bs ? 1 : 0));
  return out.map(([stream]) => stream);
}

/** Every applied delta point's identity as [series key, start, time], in that order. */
function deltaEntries(db: Database.Database, keys: Map<number, string>): [string, string, string][] {
  const out: [string, bigint, bigint][] = [];
  const packs = db.prepare<[], { deltas: Buffer }>('SELECT deltas FROM packs WHERE deltas IS NOT NULL');
  for (const { deltas } of packs.iterate()) {
    forEachDelta(deltas, (id, pairs) => {
      const key = keys.get(id) ?? `#${id}`;
      for (let i = 0; i < pairs.length; i += 2) out.push([key, pairs[i] as bigint, pairs[i + 1] as bigint]);
    });
  }
  const order = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : order(a[1], b[1]) || order(a[2], b[2])));
  return out.map(([key, start, time]) => [key, String(start), String(time)]);
}
