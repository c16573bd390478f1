import { UNIT_BOUNDARIES } from '@modelpulse/stats';

/**
 * Exemplar reservoirs: for each (model, version, score bucket, time bucket) keep `k` trace ids, a uniform
 * sample of the spans offered. The sample is a bottom-k ("priority") reservoir: every span gets a
 * pseudo-random priority from a seeded hash of its trace and span id, and the k lowest priorities are kept.
 * That is a uniform sample without replacement, like reservoir sampling with a seeded generator, but the
 * result depends only on the set of spans offered: not on arrival order, not on restarts, and a span offered
 * twice (a retried export) counts once.
 */

/** Fixed seed: reservoirs are reproducible across runs and machines. */
export const RESERVOIR_SEED = 0x6d70_756c; // "mpul"

/**
 * Index of the `ml.prediction.score` bucket a score falls in, OpenTelemetry layout with upper-inclusive
 * bounds 0, 0.05, …, 1: 0 = (−∞, 0], 1 = (0, 0.05], …, 20 = (0.95, 1], 21 = (1, +∞).
 */
export function scoreBucket(score: number, bounds: readonly number[] = UNIT_BOUNDARIES): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] as number) < score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 finaliser: spreads FNV's weak low bits
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A span's priority in [0, 1), 53 bits from two seeded 32-bit hashes of its ids. */
export function priority(traceId: string, spanId: string, seed = RESERVOIR_SEED): number {
  const text = `${traceId}/${spanId}`;
  const high = hash32(text, seed) >>> 6; // 26 bits
  const low = hash32(text, seed ^ 0x9e37_79b9) >>> 5; // 27 bits
  return (high * 2 ** 27 + low) / 2 ** 53;
}

export interface ReservoirEntry {
  traceId: string;
  spanId: string;
  priority: number;
  timeMs: number;
}

function before(a: ReservoirEntry, b: ReservoirEntry): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.traceId !== b.traceId) return a.traceId < b.traceId ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** The k entries of lowest priority, each (trace, span) once; ties break on the ids. */
export function bottomK(entries: readonly ReservoirEntry[], k: number): ReservoirEntry[] {
  const unique = new Map<string, ReservoirEntry>();
  for (const e of entries) {
    const id = `${e.traceId}/${e.spanId}`;
    if (!unique.has(id)) unique.set(id, e);
  }
  return [...unique.values()].sort(before).slice(0, k);
}
