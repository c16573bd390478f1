import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { MetricsRequest, TracesRequest } from '../receive/model.js';
import { decodeMetricsRequest } from '../receive/otlp/index.js';
import type { OtlpFormat } from '../receive/status.js';
import { SeriesCatalog } from './catalog.js';
import { stateDigest } from './digest.js';
import { FileLog, type IngestLog, type LoggedExport, MemoryLog } from './ingest-log.js';
import { applyMetrics, type MetricsContext } from './metrics.js';
import { DEFAULT_BUCKET_MS, type ResolvedOptions, resolveOptions } from './options.js';
import { prune } from './prune.js';
import { Queries } from './queries.js';
import { Registry } from './registry.js';
import { type RollingWindow, RollingWindows } from './rolling.js';
import { configure, migrate, settleBucketMs } from './schema.js';
import { SpanPresence } from './span-presence.js';
import { prepareStatements, type Statements } from './statements.js';
import { applyTraces, type TracesContext } from './traces.js';
import type {
  CounterAggregate,
  ExemplarRecord,
  HistogramAggregate,
  IngestResult,
  JoinableOutcomes,
  ModelSummary,
  OutcomeSpanRecord,
  PredictionSpanRecord,
  RecentExemplarsQuery,
  SeriesQuery,
  StoreOptions,
  VersionWindow,
} from './types.js';
import { Unflushed } from './unflushed.js';

/** The body of an export as received, logged so that it can be applied again after a crash. */
export interface ExportSource {
  body: Uint8Array;
  format: OtlpFormat;
  /**
   * Set when `body` is gzip-compressed, as exporters and the Collector send it by default: the size it
   * decompressed to. It is logged compressed, and the log's size counts it decompressed.
   */
  gunzippedBytes?: number;
}

/**
 * Durable, exact, windowed storage of modelpulse telemetry in one SQLite file.
 *
 * - Each `ingest*` call is one transaction: when it returns, its effect is durable (WAL); when it throws
 *   (SQLite failed), nothing of it was applied and the caller must not acknowledge the export.
 * - Metric exports given with their body (`ExportSource`) are applied to the state in memory and their
 *   body is appended to the ingest log (ingest-log.ts) before the call returns. A checkpoint writes the
 *   changed state with the log's next epoch in one transaction, then starts a new log: at least every
 *   `checkpointIntervalMs` or `checkpointBytes` of log, before every read and on close. A row that many
 *   exports change between checkpoints is written once. After a crash, opening the file replays the log
 *   of the committed epoch, so an acknowledged export is never lost. Exports given without a body are
 *   written at once (their own checkpoint).
 * - Only the `@modelpulse/otel` instruments are kept (instruments.ts); the service's own re-emitted metrics
 *   and everything else are ignored, neither accepted nor rejected. Gauges and non-monotonic sums are
 *   ignored too; a stored name of the wrong kind or an exponential histogram is rejected with a reason.
 * - A series is model + version + instrument + point attributes + resource + scope + histogram bounds
 *   (series-key.ts); instances are separate series, summed by the queries.
 * - Cumulative points become deltas against the last point of their (series, start time) stream
 *   (temporality.ts): first point in full, resets in full, retries and out-of-order points add nothing.
 *   Delta points are added once per (series, start, time). Deltas land in the time bucket of the point's
 *   time; a request's deltas are summed in memory first, then added to the bucket totals kept in memory
 *   (bucket-row.ts), and written with the rest of their pack (a model's series of one instrument and kind):
 *   one row per pack and bucket (pack.ts). The streams' last points are written one row per pack and hour
 *   of start time (stream.ts).
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
  readonly #unflushed = new Unflushed();
  readonly #catalog: SeriesCatalog;
  readonly #rolling: RollingWindows;
  readonly #presence: SpanPresence;
  readonly #log: IngestLog;
  /** number of the log the committed state has not applied yet */
  #epoch: number;
  readonly #ingestMetrics: (request: MetricsRequest, receivedAtMs: number, writeNow: boolean) => IngestResult;
  readonly #ingestTraces: (request: TracesRequest, receivedAtMs: number) => IngestResult;
  readonly #checkpoint: () => void;
  readonly #replay: () => void;
  #lastCheckpointMs = Date.now();
  /** set when a transaction failed: the in-memory state is rebuilt from the database before the next use */
  #stale = false;

  private constructor(db: Database.Database, options: ResolvedOptions, bucketMs: number) {
    this.#db = db;

    this.#options = options;
    this.bucketMs = bucketMs;
    this.#statements = prepareStatements(db);
    this.#epoch = Number(this.#statements.logEpoch.get()?.value ?? 0);
    this.#log = db.memory
      ? new MemoryLog()
      : new FileLog(options.path, this.#epoch, options.synchronous === 'full');
    this.#registry = new Registry(this.#statements);
    this.#presence = new SpanPresence(db);
    this.#queries = new Queries(db, this.#presence);
    this.#catalog = new SeriesCatalog(db);
    this.#rolling = new RollingWindows(db, bucketMs, this.#catalog);
    const metrics: MetricsContext = {
      statements: this.#statements,
      registry: this.#registry,
      unflushed: this.#unflushed,
      rolling: this.#rolling,
      bucketMs,
      retentionMs: options.retentionMs,
    };
    const traces: TracesContext = {
      statements: this.#statements,
      bucketMs,
      retentionMs: options.retentionMs,
      spanTtlMs: options.spanTtlMs,
      exemplarsPerBucket: options.exemplarsPerBucket,
      presence: this.#presence,
    };
    // Each ingest is one immediate transaction: committed when it returns, rolled back when it throws.
    // New series are inserted right away (they need an id); a logged export's rows wait for a checkpoint.
    const metricsTx = db.transaction((r: MetricsRequest, at: number, writeNow: boolean) => {
      const result = applyMetrics(metrics, r, at);
      if (result.accepted > 0) this.#rolling.received(at);
      if (writeNow) this.#writeUnflushed();
      return result;
    });
    const tracesTx = db.transaction((r: TracesRequest, at: number) => applyTraces(traces, r, at));
    const checkpointTx = db.transaction(() => this.#writeUnflushed());
    const replayTx = db.transaction((entries: LoggedExport[]) => {
      for (const e of entries) {
        const body = e.gzip ? gunzipSync(e.body) : e.body;
        applyMetrics(metrics, decodeMetricsRequest(body, e.format), e.receivedMs);
        this.#rolling.received(e.receivedMs);
      }
      this.#writeUnflushed();
    });
    this.#ingestMetrics = (r, at, writeNow) => this.#write(() => metricsTx.immediate(r, at, writeNow));
    this.#ingestTraces = (r, at) => this.#write(() => tracesTx.immediate(r, at));
    this.#checkpoint = () => this.#write(() => checkpointTx.immediate());
    this.#replay = () => {
      const entries = this.#log.entries();
      if (entries.length === 0) return;
      this.#write(() => replayTx.immediate(entries));
      this.#committed();
    };
  }

  static open(options: StoreOptions): Store {
    const resolved = resolveOptions(options);
    const db = openDatabase(resolved);
    try {
      migrate(db, resolved.path);
      const bucketMs = settleBucketMs(db, resolved.path, resolved.bucketMs, DEFAULT_BUCKET_MS);
      const store = new Store(db, resolved, bucketMs);
      try {
        store.#replay(); // exports acknowledged after the last checkpoint, if the process died
      } catch (error) {
        store.#log.close();
        throw error;
      }
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Runs a transaction (after rebuilding the state if an earlier one failed). When it fails, the state in
   * memory may hold changes that were rolled back: it is marked stale, to be rebuilt from the committed
   * rows and the log.
   */
  #write<T>(transaction: () => T): T {
    if (this.#stale) this.#rebuild();
    try {
      return transaction();
    } catch (error) {
      this.#stale = true;
      throw error;
    }
  }

  #rebuild(): void {
    this.#stale = false;
    this.#presence.clear();
    this.#registry.clear();
    this.#unflushed.forget();
    this.#rolling.clear();
    this.#catalog.clear();
    this.#statements.writePacks.discard();
    this.#statements.writeStreams.discard();
    this.#replay();
  }

  /** Inside a transaction: the checkpoint's writes; the log's entries are applied once it commits. */
  #writeUnflushed(): void {
    this.#unflushed.write(this.#statements, this.#registry);
    this.#statements.setLogEpoch.run(String(this.#epoch + 1));
  }

  /**
   * Applies an export: points of the modelpulse instruments are validated, turned into deltas and added to
   * their time buckets; invalid points are rejected with a reason while the rest is applied. With `source`
   * (the body the request was decoded from) the body is logged and the rows are written at the next
   * checkpoint; without, they are written now.
   */
  ingestMetrics(request: MetricsRequest, receivedAtMs: number, source?: ExportSource): IngestResult {
    const result = this.#ingestMetrics(request, receivedAtMs, source === undefined);
    if (source === undefined) {
      this.#committed();
      return result;
    }
    if (result.accepted > 0) {
      try {
        const { body, format, gunzippedBytes } = source;
        const gzip = gunzippedBytes !== undefined;
        this.#log.append(
          { receivedMs: receivedAtMs, format, gzip, body },
          gzip ? gunzippedBytes : body.byteLength,
        );
      } catch (error) {
        this.#stale = true; // applied in memory but not logged: rebuilt without it, and not acknowledged
        throw error;
      }
      this.#checkpointIfDue();
    }
    return result;
  }

  /** Keeps holdout prediction and outcome spans, and offers scored spans to the exemplar reservoirs. */
  ingestTraces(request: TracesRequest, receivedAtMs: number): IngestResult {
    return this.#ingestTraces(request, receivedAtMs);
  }

  #checkpointIfDue(): void {
    if (
      this.#log.bytes >= this.#options.checkpointBytes ||
      Date.now() - this.#lastCheckpointMs >= this.#options.checkpointIntervalMs
    ) {
      try {
        this.checkpoint();
      } catch {
        // The export is durable in the log already; the next checkpoint retries.
      }
    }
  }

  /**
   * Writes what acknowledged exports changed since the last checkpoint and empties the log (one
   * transaction). Reads and `close()` do it themselves; call it to bound the log at a moment of your choice.
   */
  checkpoint(): void {
    if (this.#stale) this.#rebuild();
    this.#lastCheckpointMs = Date.now();
    if (this.#unflushed.empty && this.#log.bytes === 0) return;
    this.#checkpoint();
    this.#committed();
  }

  /** After a transaction that wrote the unflushed state and emptied the log committed. */
  #committed(): void {
    this.#unflushed.committed(this.#registry);
    this.#epoch += 1;
    this.#log.rotate(this.#epoch);
  }

  models(): ModelSummary[] {
    this.checkpoint();
    return this.#queries.models();
  }

  histograms(q: SeriesQuery): HistogramAggregate[] {
    this.checkpoint();
    const w = this.#rollingOf(q);
    if (w) return this.#queries.histogramsOf(w.from, this.#catalog, q, w.minus);
    return q.rolling
      ? this.#pastAnswer('histograms', q, () => this.#queries.histograms(q, this.#catalog))
      : this.#queries.histograms(q, this.#catalog);
  }

  counters(q: SeriesQuery): CounterAggregate[] {
    this.checkpoint();
    const w = this.#rollingOf(q);
    if (w) return this.#queries.countersOf(w.from, this.#catalog, q, w.minus);
    return q.rolling
      ? this.#pastAnswer('counters', q, () => this.#queries.counters(q, this.#catalog))
      : this.#queries.counters(q, this.#catalog);
  }

  /**
   * A window asked for again and again that the rolling sums cannot answer (it ended before data arrived,
   * as a pinned reference period does): summed by SQL once and kept until a row lands inside it.
   */
  #pastAnswer<T>(kind: string, q: SeriesQuery, sum: () => T): T {
    const version = q.version === undefined ? '*' : `=${q.version}`;
    const key = `${kind}\0${q.model}\0${version}\0${q.instrument}\0${q.fromMs}\0${q.toMs}`;
    return this.#rolling.past.get(key, q.fromMs, q.toMs, sum);
  }

  /**
   * The rolling windows that answer a query: the one from `fromMs`, minus the one from `toMs` when the
   * query's window ends before now (`movesWithMs`). Undefined: ask SQL.
   */
  #rollingOf(q: SeriesQuery): { from: RollingWindow; minus?: RollingWindow } | undefined {
    if (!q.rolling) return undefined;
    const current = this.#rolling.window(q.fromMs, q.toMs);
    if (current) {
      const ahead = this.#rolling.beyond(q.toMs);
      return ahead ? { from: current, minus: ahead } : { from: current };
    }
    if (q.movesWithMs === undefined) return undefined;
    const from = this.#rolling.window(q.fromMs, q.movesWithMs);
    const minus = from && this.#rolling.window(q.toMs, q.movesWithMs);
    return from && minus ? { from, minus } : undefined;
  }

  predictionSpans(q: { model: string; ids: readonly string[] }): PredictionSpanRecord[] {
    return this.#queries.predictionSpans(q);
  }

  outcomeSpans(q: { model: string; fromMs: number; toMs: number }): OutcomeSpanRecord[] {
    return this.#queries.outcomeSpans(q);
  }

  /** Outcomes of one version sent without the predicted label, to join by prediction id. */
  unlabelledOutcomes(q: VersionWindow): OutcomeSpanRecord[] {
    return this.#queries.unlabelledOutcomes(q);
  }

  /** The same outcomes joined to their prediction spans and counted by both labels (see `Queries`). */
  joinableOutcomes(q: VersionWindow): JoinableOutcomes[] {
    return this.#queries.joinableOutcomes(q);
  }

  exemplars(q: { model: string; version?: string; fromMs: number; toMs: number }): ExemplarRecord[] {
    return this.#queries.exemplars(q);
  }

  /**
   * Up to `limit` exemplars of each of the given score buckets, bucket after bucket, newest time bucket
   * first: what a report shows, read without the week of reservoirs a window can hold (22 buckets × 5
   * per minute).
   */
  recentExemplars(q: RecentExemplarsQuery): ExemplarRecord[] {
    return this.#queries.recentExemplars(q);
  }

  /** Applies retention and the span TTL as of `nowMs`. */
  prune(nowMs: number): void {
    this.checkpoint();
    try {
      this.#rolling.pruning(nowMs - this.#options.retentionMs);
      prune(this.#db, nowMs, this.#options);
    } catch (error) {
      this.#rolling.clear(); // it let go of rows that are still there
      throw error;
    } finally {
      this.#registry.clear();
      this.#catalog.clear();
    }
  }

  /** SHA-256 of everything stored (liveness times aside); equal digests mean equal data. */
  stateDigest(): string {
    this.checkpoint();
    return stateDigest(this.#db);
  }

  /** Checkpoints (when that fails the log keeps the exports for the next open) and closes the file. */
  close(): void {
    if (!this.#db.open) return;
    try {
      this.checkpoint();
    } finally {
      this.#log.close();
      this.#db.close();
    }
  }
}

/** The database file, opened and configured; an unusable one (not a database, unreadable) is named. */
function openDatabase(options: ResolvedOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path);
    configure(db, options.synchronous);
    return db;
  } catch (error) {
    db?.close();
    throw new Error(`${options.path}: ${(error as Error).message}`, { cause: error });
  }
}
