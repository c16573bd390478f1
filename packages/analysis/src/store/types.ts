/** Public shapes of the store: its options, what `ingest*` answers and what the queries return. */

export interface StoreOptions {
  /** SQLite file path, or ':memory:' (tests). The caller creates the folder. */
  path: string;
  /** Width of a time bucket in ms (default 60 000). Fixed for the life of a database file. */
  bucketMs?: number;
  /** How long metric buckets, cumulative state, delta dedupe keys and exemplars are kept (default 30 days). */
  retentionMs?: number;
  /** How long holdout prediction and outcome spans are kept (default 14 days). */
  spanTtlMs?: number;
  /** Trace ids kept per model / version / score bucket / time bucket (default 5). */
  exemplarsPerBucket?: number;
  /**
   * SQLite `synchronous` in WAL mode (default 'normal'): a commit survives a crash of the process; after a
   * power loss the last commits may roll back, atomically. Cumulative streams heal from the next export;
   * choose 'full' when delta streams or spans must survive a power loss too (one fsync per request).
   */
  synchronous?: 'normal' | 'full';
  /**
   * Longest time (ms) the changes of logged exports stay in memory before a checkpoint writes them
   * (default 30 000); checked when an export arrives. Reads checkpoint first, so they never miss one.
   */
  checkpointIntervalMs?: number;
  /**
   * Log size (bytes of export bodies, decompressed) that triggers a checkpoint (default 64 MiB); bounds
   * replay after a crash.
   */
  checkpointBytes?: number;
}

export interface IngestResult {
  /** Data points (metrics) or spans (traces) taken, including retries that changed nothing. */
  accepted: number;
  /** Data points or spans refused as invalid; `errors` says why. */
  rejected: number;
  /** One sentence per distinct reason (capped), prefixed with the metric name. */
  errors: string[];
}

export type AttributeMap = Record<string, string | number | boolean>;

export interface ModelSummary {
  name: string;
  versions: { version: string; instances: string[]; lastSeenMs: number }[];
}

/** Outcomes sent without the predicted label whose prediction span has one, counted by both labels. */
export interface JoinableOutcomes {
  actual: string;
  predicted: string;
  count: number;
}

/** Spans of one model version whose time is in [fromMs, toMs). */
export interface VersionWindow {
  model: string;
  version: string;
  fromMs: number;
  toMs: number;
}

export interface SeriesQuery {
  model: string;
  version?: string;
  instrument: string;
  /** Buckets whose start is in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /**
   * This window will be asked for again as it moves forward in time (the analysis' "last 24 hours"): keep
   * per-series sums of it up to date rather than summing its bucket rows each time (same answer).
   */
  rolling?: boolean;
  /**
   * With `rolling`, for a window that ends before now and moves with it (the previous window of a rolling
   * one, a maturity-shifted one): the end of the current window, `toMs` of its rolling query. The answer
   * is then the rolling window from `fromMs` minus the one from `toMs`, both reaching to now, instead of
   * a read of every bucket row in between each time (same answer: counts exactly, sums up to rounding).
   */
  movesWithMs?: number;
}

export interface HistogramAggregate {
  /** The point attributes, `ml.model.name` and `ml.model.version` included. */
  attributes: AttributeMap;
  count: number;
  sum: number;
  bounds: number[];
  counts: number[];
}

export interface CounterAggregate {
  attributes: AttributeMap;
  value: number;
}

export interface PredictionSpanRecord {
  model: string;
  version: string;
  predictionId: string;
  score: number | null;
  label: string | null;
  traceId: string;
  spanId: string;
  /** span end time, ms */
  timeMs: number;
}

export interface OutcomeSpanRecord {
  model: string;
  version: string;
  predictionId: string;
  outcomeLabel: string;
  predictedLabel: string | null;
  score: number | null;
  /** `ml.holdout` of the outcome span, null when absent */
  holdout: boolean | null;
  traceId: string;
  spanId: string;
  timeMs: number;
}

export interface ExemplarRecord {
  /** Index of the `ml.prediction.score` bucket (0 = (−∞, 0], 1 = (0, 0.05], …, 20 = (0.95, 1], 21 = (1, +∞)). */
  scoreBucket: number;
  traceId: string;
  spanId: string;
  timeMs: number;
}

/** The newest exemplars of some score buckets in a window (see `Store.recentExemplars`). */
export interface RecentExemplarsQuery extends VersionWindow {
  /** indexes of `ml.prediction.score` buckets, OpenTelemetry layout */
  scoreBuckets: readonly number[];
  /** exemplars per bucket at most */
  limit: number;
}
