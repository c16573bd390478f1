import type Database from 'better-sqlite3';
import { NANOS_PER_MS } from './aggregate.js';
import { forEachStream, packStreams, type StreamEntry } from './pack.js';
import { NOTE_MS } from './registry.js';

export interface PruneLimits {
  retentionMs: number;
  spanTtlMs: number;
}

/**
 * Drops what is older than retention (metric buckets with their delta dedupe keys, cumulative streams,
 * exemplars, liveness) or than the span TTL (prediction and outcome spans), then series left without data:
 * their newest data is noted at most NOTE_MS behind (registry.ts), so a series noted NOTE_MS before the
 * cut-off has nothing left. Ingest applies the same cut-off to incoming delta points (by time bucket), so
 * a pruned dedupe key can never let its point count twice.
 */
export function prune(db: Database.Database, nowMs: number, limits: PruneLimits): void {
  const metricCutoff = nowMs - limits.retentionMs;
  const spanCutoff = nowMs - limits.spanTtlMs;
  const cutoffNs = BigInt(Math.floor(metricCutoff)) * NANOS_PER_MS;
  db.transaction(() => {
    db.prepare('DELETE FROM packs WHERE bucket_ms < ?').run(metricCutoff);
    pruneStreams(db, cutoffNs);
    db.prepare('DELETE FROM exemplars WHERE time_bucket_ms < ?').run(metricCutoff);
    db.prepare('DELETE FROM instances WHERE last_seen_ms < ?').run(metricCutoff);
    db.prepare('DELETE FROM predictions WHERE time_ms < ?').run(spanCutoff);
    db.prepare('DELETE FROM outcomes WHERE time_ms < ?').run(spanCutoff);
    db.prepare(
      `DELETE FROM series WHERE
         noted_bucket_ms IS NULL OR noted_bucket_ms + ${NOTE_MS} <= ?`,
    ).run(metricCutoff);
  }).immediate();
}

/**
 * Drops the cumulative streams whose last point is older than the cut-off: groups that hold only such
 * streams at once, groups that hold some rewritten without them.
 */
function pruneStreams(db: Database.Database, cutoffNs: bigint): void {
  db.prepare('DELETE FROM stream_packs WHERE newest_ns < ?').run(cutoffNs);
  const mixed = db
    .prepare<[bigint], { pack_id: bigint; start_hour: bigint; entries: Buffer }>(
      'SELECT pack_id, start_hour, entries FROM stream_packs WHERE oldest_ns < ?',
    )
    .safeIntegers(true)
    .all(cutoffNs);
  const rewrite = db.prepare<[bigint, Buffer, bigint, bigint]>(
    'UPDATE stream_packs SET oldest_ns = ?, entries = ? WHERE pack_id = ? AND start_hour = ?',
  );
  for (const group of mixed) {
    const kept: StreamEntry[] = [];
    forEachStream(group.entries, (stream) => {
      if (stream.timeNs >= cutoffNs) kept.push(stream);
    });
    const { blob, oldestNs } = packStreams(kept);
    rewrite.run(oldestNs, blob, group.pack_id, group.start_hour);
  }
}
