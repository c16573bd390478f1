import type { TracesRequest } from '../receive/model.js';
import { ErrorList } from './errors.js';
import { bottomK, priority, type ReservoirEntry, scoreBucket } from './reservoir.js';
import type { SpanPresence } from './span-presence.js';
import { classifySpan } from './spans.js';
import type { Statements } from './statements.js';
import type { IngestResult } from './types.js';

export interface TracesContext {
  statements: Statements;
  bucketMs: number;
  retentionMs: number;
  spanTtlMs: number;
  exemplarsPerBucket: number;
  /** told of every unlabelled outcome and exemplar written */
  presence: SpanPresence;
}

interface Reservoir {
  model: string;
  version: string;
  timeBucketMs: number;
  scoreBucket: number;
  offers: ReservoirEntry[];
}

/**
 * Applies a decoded ExportTraceServiceRequest; the caller runs it inside one transaction. Holdout prediction
 * spans and outcome spans are kept until the span TTL; an outcome span marked `ml.holdout` = false is
 * accepted but not kept, since only holdout predictions are stored and it could never be joined.
 */
export function applyTraces(ctx: TracesContext, request: TracesRequest, receivedAtMs: number): IngestResult {
  const { statements } = ctx;
  const errors = new ErrorList();
  let accepted = 0;
  let rejected = 0;
  const oldestSpanMs = receivedAtMs - ctx.spanTtlMs;
  const oldestBucketMs = receivedAtMs - ctx.retentionMs;
  const reservoirs = new Map<string, Reservoir>();

  for (const span of request.spans) {
    const facts = classifySpan(span);
    if (facts.problem !== undefined) {
      rejected++;
      errors.add(facts.problem);
      continue;
    }
    accepted++;
    const p = facts.prediction;
    if (p && p.timeMs >= oldestSpanMs) {
      statements.upsertPrediction.run(
        p.model,
        p.predictionId,
        p.version,
        p.score,
        p.label,
        p.traceId,
        p.spanId,
        p.timeMs,
      );
    }
    const o = facts.outcome;
    if (o && o.holdout !== false && o.timeMs >= oldestSpanMs) {
      statements.upsertOutcome.run(
        o.model,
        o.predictionId,
        o.version,
        o.outcomeLabel,
        o.predictedLabel,
        o.score,
        o.holdout === null ? null : Number(o.holdout),
        o.traceId,
        o.spanId,
        o.timeMs,
      );
      if (o.predictedLabel === null) ctx.presence.unlabelledOutcomeAdded(o.model, o.version);
    }
    const s = facts.scored;
    if (s) {
      const timeBucketMs = s.timeMs - (s.timeMs % ctx.bucketMs);
      if (timeBucketMs < oldestBucketMs) continue;
      const bucket = scoreBucket(s.score);
      const key = JSON.stringify([s.model, s.version, timeBucketMs, bucket]);
      let reservoir = reservoirs.get(key);
      if (!reservoir) {
        reservoir = { model: s.model, version: s.version, timeBucketMs, scoreBucket: bucket, offers: [] };
        reservoirs.set(key, reservoir);
      }
      reservoir.offers.push({
        traceId: s.traceId,
        spanId: s.spanId,
        priority: priority(s.traceId, s.spanId),
        timeMs: s.timeMs,
      });
    }
  }

  for (const r of reservoirs.values()) {
    const keyArgs = [r.model, r.version, r.timeBucketMs, r.scoreBucket] as const;
    const kept: ReservoirEntry[] = statements.reservoir.all(...keyArgs).map((row) => ({
      traceId: row.trace_id,
      spanId: row.span_id,
      priority: row.priority,
      timeMs: row.time_ms,
    }));
    const next = bottomK([...kept, ...r.offers], ctx.exemplarsPerBucket);
    const nextIds = new Set(next.map((e) => `${e.traceId}/${e.spanId}`));
    const keptIds = new Set(kept.map((e) => `${e.traceId}/${e.spanId}`));
    for (const e of kept) {
      if (!nextIds.has(`${e.traceId}/${e.spanId}`))
        statements.deleteExemplar.run(...keyArgs, e.traceId, e.spanId);
    }
    for (const e of next) {
      if (!keptIds.has(`${e.traceId}/${e.spanId}`)) {
        statements.insertExemplar.run(...keyArgs, e.traceId, e.spanId, e.priority, e.timeMs);
        ctx.presence.exemplarAdded(r.model, r.version);
      }
    }
  }
  return { accepted, rejected, errors: errors.list() };
}
