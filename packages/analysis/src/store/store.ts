import Database from 'better-sqlite3';
import type { MetricsRequest, TracesRequest } from '../receive/model.js';
import { stateDigest } from './digest.js';
import { applyMetrics, type MetricsContext } from './metrics.js';
import { DEFAULT_BUCKET_MS, type ResolvedOptions, resolveOptions } from './options.js';
import { prune } from './prune.js';
import { Queries } from './queries.js';
import { Registry } from './registry.js';
import { configure, migrate, settleBucketMs } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';
import { applyTraces, type TracesContext } from './traces.js';
import type {
  CounterAggregate,
  ExemplarRecord,
  HistogramAggregate,
  IngestResult,
  ModelSummary,
  OutcomeSpanRecord,
  PredictionSpanRecord,
  SeriesQuery,
  StoreOptions,
} from './types.js';

/**
 * Durable, exact, windowed storage of modelpulse telemetry in one SQLite file.
 *
 * - Each `ingest*` call is one transaction: when it returns, its effect is committed (WAL); when it throws
 *   (SQLite failed), nothing of it was applied and the caller must not acknowledge the export.
 * - Only the `@modelpulse/otel` instruments are kept (instruments.ts); the service's own re-emitted metrics
 *   and everything else are ignored, neither accepted nor rejected. Gauges and non-monotonic sums are
 *   ignored too; a stored name of the wrong kind or an exponential histogram is rejected with a reason.
 * - A series is model + version + instrument + point attributes + resource + scope + histogram bounds
 *   (series-key.ts); instances are separate series, summed by the queries.
 * - Cumulative points become deltas against the last point of their (series, start time) stream
 *   (temporality.ts): first point in full, resets in full, retries and out-of-order points add nothing.
 *   Delta points are added once per (series, start, time). Deltas land in the time bucket of the point's
 *   time; a request's deltas are summed in memory first, then added to the bucket totals kept in memory
 *   (bucket-row.ts): one row write per (series, bucket), in multi-row statements.
 * - Invalid points are rejected with a reason (validate.ts), the rest of the request is applied.
 * - Points older than retention are not stored (a cumulative one still advances its stream), so that
 *   a retried delta point whose dedupe key was pruned cannot count twice.
 * - One process writes a file at a time: the caches assume no other writer.
 */
export class Store {
  readonly bucketMs: number;
  readonly #db: Database.Database;
  readonly #options: ResolvedOptions;
  readonly #statements: Statements;
  readonly #registry: Registry;
  readonly #queries: Queries;
  readonly #ingestMetrics: (request: MetricsRequest, receivedAtMs: number) => IngestResult;
  readonly #ingestTraces: (request: TracesRequest, receivedAtMs: number) => IngestResult;

  private constructor(db: Database.Database, options: ResolvedOptions, bucketMs: number) {
    this.#db = db;
    this.#options = options;
    this.bucketMs = bucketMs;
    this.#statements = prepareStatements(db);
    this.#registry = new Registry(this.#statements);
    this.#queries = new Queries(db);
    const metrics: MetricsContext = {
      statements: this.#statements,
      registry: this.#registry,
      bucketMs,
      retentionMs: options.retentionMs,
    };
    const traces: TracesContext = {
      statements: this.#statements,
      bucketMs,
      retentionMs: options.retentionMs,
      spanTtlMs: options.spanTtlMs,
      exemplarsPerBucket: options.exemplarsPerBucket,
    };
    // Each ingest is one immediate transaction: committed when it returns, rolled back when it throws.
    const metricsTx = db.transaction((r: MetricsRequest, at: number) => applyMetrics(metrics, r, at));
    const tracesTx = db.transaction((r: TracesRequest, at: number) => applyTraces(traces, r, at));
    this.#ingestMetrics = (r, at) => this.#write(() => metricsTx.immediate(r, at));
    this.#ingestTraces = (r, at) => this.#write(() => tracesTx.immediate(r, at));
  }

  static open(options: StoreOptions): Store {
    const resolved = resolveOptions(options);
    const db = new Database(resolved.path);
    try {
      configure(db, resolved.synchronous);
      migrate(db, resolved.path);
      const bucketMs = settleBucketMs(db, resolved.path, resolved.bucketMs, DEFAULT_BUCKET_MS);
      return new Store(db, resolved, bucketMs);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Runs a transaction; when it fails, the caches (copies of committed rows) are dropped with it. */
  #write<T>(transaction: () => T): T {
    try {
      return transaction();
    } catch (error) {
      this.#registry.clear();
      this.#statements.writeBuckets.discard();
      this.#statements.writeCumulative.discard();
      throw error;
    }
  }

  /**
   * Applies an export: points of the modelpulse instruments are validated, turned into deltas and added to
   * their time buckets; invalid points are rejected with a reason while the rest is applied.
   */
  ingestMetrics(request: MetricsRequest, receivedAtMs: number): IngestResult {
    return this.#ingestMetrics(request, receivedAtMs);
  }

  /** Keeps holdout prediction and outcome spans, and offers scored spans to the exemplar reservoirs. */
  ingestTraces(request: TracesRequest, receivedAtMs: number): IngestResult {
    return this.#ingestTraces(request, receivedAtMs);
  }

  models(): ModelSummary[] {
    return this.#queries.models();
  }

  histograms(q: SeriesQuery): HistogramAggregate[] {
    return this.#queries.histograms(q);
  }

  counters(q: SeriesQuery): CounterAggregate[] {
    return this.#queries.counters(q);
  }

  predictionSpans(q: { model: string; ids: readonly string[] }): PredictionSpanRecord[] {
    return this.#queries.predictionSpans(q);
  }

  outcomeSpans(q: { model: string; fromMs: number; toMs: number }): OutcomeSpanRecord[] {
    return this.#queries.outcomeSpans(q);
  }

  exemplars(q: { model: string; version?: string; fromMs: number; toMs: number }): ExemplarRecord[] {
    return this.#queries.exemplars(q);
  }

  /** Applies retention and the span TTL as of `nowMs`. */
  prune(nowMs: number): void {
    try {
      prune(this.#db, nowMs, this.#options);
    } finally {
      this.#registry.clear();
    }
  }

  /** SHA-256 of everything stored (liveness times aside); equal digests mean equal data. */
  stateDigest(): string {
    return stateDigest(this.#db);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
