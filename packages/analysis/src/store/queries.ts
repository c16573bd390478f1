import type Database from 'better-sqlite3';
import type { SeriesCatalog, SeriesInfo } from './catalog.js';
import { forEachEntry } from './pack.js';
import type { RollingWindow, WindowSums } from './rolling.js';
import type { SpanPresence } from './span-presence.js';
import type {
  AttributeMap,
  CounterAggregate,
  ExemplarRecord,
  HistogramAggregate,
  JoinableOutcomes,
  ModelSummary,
  OutcomeSpanRecord,
  PredictionSpanRecord,
  RecentExemplarsQuery,
  SeriesQuery,
  VersionWindow,
} from './types.js';

interface PredictionRow {
  model: string;
  version: string;
  prediction_id: string;
  score: number | null;
  label: string | null;
  trace_id: string;
  span_id: string;
  time_ms: number;
}

interface OutcomeRow {
  model: string;
  version: string;
  prediction_id: string;
  outcome_label: string;
  predicted_label: string | null;
  score: number | null;
  holdout: number | null;
  trace_id: string;
  span_id: string;
  time_ms: number;
}

/** A series' sums in a rolling window when it has buckets there and matches the query's version. */
function sumsIn(
  w: RollingWindow,
  info: SeriesInfo,
  q: SeriesQuery,
  minus: RollingWindow | undefined,
): WindowSums | undefined {
  if (q.version !== undefined && info.version !== q.version) return undefined;
  const s = w.sums.get(info.id);
  if (s === undefined || s.rows === 0) return undefined;
  if (minus === undefined) return s;
  const later = minus.sums.get(info.id);
  return later === undefined ? s : difference(s, later);
}

/**
 * The sums of the rows in one window and not in a later one that starts inside it (its rows are a subset
 * of the first's), or undefined when no row is left. Counts are whole numbers, so they come out exact.
 */
function difference(s: WindowSums, later: WindowSums): WindowSums | undefined {
  const rows = s.rows - later.rows;
  if (rows <= 0) return undefined;
  let counts: Float64Array | null = null;
  if (s.counts !== null) {
    counts = s.counts.slice();
    const minus = later.counts;
    if (minus !== null)
      for (let i = 0; i < minus.length; i++) counts[i] = (counts[i] as number) - (minus[i] as number);
  }
  return {
    rows,
    count: s.count - later.count,
    sum: s.sum - later.sum,
    compensation: s.compensation - later.compensation,
    counts,
  };
}

const EMPTY_COUNTS = new Float64Array(0);

function exemplarRecord(r: {
  score_bucket: number;
  trace_id: string;
  span_id: string;
  time_ms: number;
}): ExemplarRecord {
  return { scoreBucket: r.score_bucket, traceId: r.trace_id, spanId: r.span_id, timeMs: r.time_ms };
}

/** The packs of one model, instrument and kind in a time range, in time order. */
const PACKS = `
  SELECT p.entries FROM pack_keys k JOIN packs p ON p.pack_id = k.id
  WHERE k.kind = ? AND k.model = ? AND k.instrument = ? AND p.bucket_ms >= ? AND p.bucket_ms < ?
  ORDER BY p.bucket_ms`;

/** The read side of the store: merges series (instances, scopes) and time buckets into answers. */
export class Queries {
  readonly #packs;
  readonly #instances;
  readonly #predictions;
  readonly #outcomes;
  readonly #unlabelledOutcomes;
  readonly #joinableOutcomes;
  readonly #exemplars;
  readonly #exemplarsOfVersion;
  readonly #recentExemplars;
  readonly #anyExemplar;
  readonly #presence: SpanPresence;

  constructor(db: Database.Database, presence: SpanPresence) {
    this.#presence = presence;
    this.#packs = db.prepare<[string, string, string, number, number], { entries: Buffer }>(PACKS);
    this.#instances = db.prepare<
      [],
      { model: string; version: string; instance: string; last_seen_ms: number }
    >('SELECT model, version, instance, last_seen_ms FROM instances ORDER BY model, version, instance');
    this.#predictions = db.prepare<[string, string], PredictionRow>(
      `SELECT model, version, prediction_id, score, label, trace_id, span_id, time_ms FROM predictions
       WHERE model = ? AND prediction_id IN (SELECT value FROM json_each(?))
       ORDER BY time_ms, prediction_id`,
    );
    this.#outcomes = db.prepare<[string, number, number], OutcomeRow>(
      `SELECT model, version, prediction_id, outcome_label, predicted_label, score, holdout, trace_id, span_id, time_ms
       FROM outcomes WHERE model = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, prediction_id`,
    );
    this.#unlabelledOutcomes = db.prepare<[string, string, number, number], OutcomeRow>(
      `SELECT model, version, prediction_id, outcome_label, predicted_label, score, holdout, trace_id, span_id, time_ms
       FROM outcomes WHERE model = ? AND version = ? AND time_ms >= ? AND time_ms < ?
         AND predicted_label IS NULL AND (holdout IS NULL OR holdout != 0)
       ORDER BY time_ms, prediction_id`,
    );
    this.#joinableOutcomes = db.prepare<[string, string, number, number], JoinableOutcomes>(
      `SELECT o.outcome_label AS actual, p.label AS predicted, count(*) AS count
       FROM outcomes o JOIN predictions p ON p.model = o.model AND p.prediction_id = o.prediction_id
       WHERE o.model = ? AND o.version = ? AND o.time_ms >= ? AND o.time_ms < ?
         AND o.predicted_label IS NULL AND (o.holdout IS NULL OR o.holdout != 0) AND p.label IS NOT NULL
       GROUP BY o.outcome_label, p.label ORDER BY o.outcome_label, p.label`,
    );
    const exemplars = `SELECT score_bucket, trace_id, span_id, time_ms FROM exemplars
       WHERE model = ? AND time_bucket_ms >= ? AND time_bucket_ms < ?`;
    const order = ' ORDER BY time_bucket_ms, score_bucket, priority, trace_id, span_id';
    type ExemplarRow = { score_bucket: number; trace_id: string; span_id: string; time_ms: number };
    this.#exemplars = db.prepare<[string, number, number], ExemplarRow>(exemplars + order);
    this.#exemplarsOfVersion = db.prepare<[string, number, number, string], ExemplarRow>(
      `${exemplars} AND version = ?${order}`,
    );
    this.#anyExemplar = db.prepare<[string, string, number, number], { one: number }>(
      `SELECT 1 AS one FROM exemplars
       WHERE model = ? AND version = ? AND time_bucket_ms >= ? AND time_bucket_ms < ? LIMIT 1`,
    );
    // Walks the primary key (model, version, time bucket, score bucket, trace, span) backwards and stops
    // at the limit, however many exemplars a week holds.
    this.#recentExemplars = db.prepare<[string, string, number, number, number, number], ExemplarRow>(
      `SELECT score_bucket, trace_id, span_id, time_ms FROM exemplars
       WHERE model = ? AND version = ? AND score_bucket = ? AND time_bucket_ms >= ? AND time_bucket_ms < ?
       ORDER BY time_bucket_ms DESC, trace_id DESC, span_id DESC LIMIT ?`,
    );
  }

  models(): ModelSummary[] {
    const out: ModelSummary[] = [];
    for (const row of this.#instances.all()) {
      let model = out.at(-1);
      if (model?.name !== row.model) {
        model = { name: row.model, versions: [] };
        out.push(model);
      }
      let version = model.versions.at(-1);
      if (version?.version !== row.version) {
        version = { version: row.version, instances: [], lastSeenMs: row.last_seen_ms };
        model.versions.push(version);
      }
      version.instances.push(row.instance);
      version.lastSeenMs = Math.max(version.lastSeenMs, row.last_seen_ms);
    }
    return out;
  }

  /**
   * Calls `each` for every entry of the query's series in [fromMs, toMs), with its series (of the query's
   * version, when it names one). One pack row at a time: a long window holds thousands.
   */
  #entries(
    q: SeriesQuery,
    kind: 'histogram' | 'sum',
    catalog: SeriesCatalog,
    each: (info: SeriesInfo, count: number, sum: number, counts: Float64Array, width: number) => void,
  ): void {
    for (const { entries } of this.#packs.iterate(kind, q.model, q.instrument, q.fromMs, q.toMs)) {
      forEachEntry(entries, (id, count, sum, counts, width) => {
        const info = catalog.info(id);
        if (info === undefined || (q.version !== undefined && info.version !== q.version)) return;
        each(info, count, sum, counts, width);
      });
    }
  }

  /**
   * Histogram deltas summed over the time buckets in [fromMs, toMs) and over every series with the same
   * point attributes and bounds (instances, scopes). Series with other bounds stay separate entries.
   */
  histograms(q: SeriesQuery, catalog: SeriesCatalog): HistogramAggregate[] {
    const groups = new Map<string, HistogramAggregate>();
    this.#entries(q, 'histogram', catalog, (info, count, sum, counts, width) => {
      let g = groups.get(info.groupKey);
      if (!g) {
        g = {
          attributes: info.attributes as AttributeMap,
          count: 0,
          sum: 0,
          bounds: info.bounds as number[],
          counts: new Array<number>(Math.max(width, 0)).fill(0),
        };
        groups.set(info.groupKey, g);
      }
      g.count += count;
      g.sum += sum;
      const into = g.counts;
      for (let i = 0; i < width && i < into.length; i++)
        into[i] = (into[i] as number) + (counts[i] as number);
    });
    return [...groups.keys()].sort().map((key) => groups.get(key)!);
  }

  /** Counter increases summed over the time buckets in [fromMs, toMs) and over series with equal attributes. */
  counters(q: SeriesQuery, catalog: SeriesCatalog): CounterAggregate[] {
    const groups = new Map<string, CounterAggregate>();
    this.#entries(q, 'sum', catalog, (info, _, sum) => {
      const g = groups.get(info.groupKey);
      if (g) g.value += sum;
      else groups.set(info.groupKey, { attributes: info.attributes as AttributeMap, value: sum });
    });
    return [...groups.keys()].sort().map((key) => groups.get(key)!);
  }

  /**
   * `histograms(q)` answered from a rolling window's per-series sums, less those of `minus` (a later
   * window: see `SeriesQuery.movesWithMs`), in the same groups and order: the
   * catalog lists the series in group-key order, so a group is a run of adjacent series.
   */
  histogramsOf(
    w: RollingWindow,
    catalog: SeriesCatalog,
    q: SeriesQuery,
    minus?: RollingWindow,
  ): HistogramAggregate[] {
    const out: HistogramAggregate[] = [];
    let g: HistogramAggregate | undefined;
    let key = '';
    for (const info of catalog.seriesOf('histogram', q.model, q.instrument)) {
      const s = sumsIn(w, info, q, minus);
      if (s === undefined) continue;
      const counts = s.counts ?? EMPTY_COUNTS;
      if (g === undefined || info.groupKey !== key) {
        key = info.groupKey;
        g = {
          attributes: info.attributes as AttributeMap,
          count: 0,
          sum: 0,
          bounds: info.bounds as number[],
          counts: new Array<number>(counts.length).fill(0),
        };
        out.push(g);
      }
      g.count += s.count;
      g.sum += s.sum + s.compensation;
      const into = g.counts;
      for (let i = 0; i < counts.length && i < into.length; i++)
        into[i] = (into[i] as number) + (counts[i] as number);
    }
    return out;
  }

  /** `counters(q)` answered like `histogramsOf`; counters group by attributes alone. */
  countersOf(
    w: RollingWindow,
    catalog: SeriesCatalog,
    q: SeriesQuery,
    minus?: RollingWindow,
  ): CounterAggregate[] {
    const out: CounterAggregate[] = [];
    let g: CounterAggregate | undefined;
    let key = '';
    for (const info of catalog.seriesOf('sum', q.model, q.instrument)) {
      const s = sumsIn(w, info, q, minus);
      if (s === undefined) continue;
      if (g !== undefined && info.groupKey === key) g.value += s.sum + s.compensation;
      else {
        key = info.groupKey;
        g = { attributes: info.attributes as AttributeMap, value: s.sum + s.compensation };
        out.push(g);
      }
    }
    return out;
  }

  predictionSpans(q: { model: string; ids: readonly string[] }): PredictionSpanRecord[] {
    if (q.ids.length === 0) return [];
    return this.#predictions.all(q.model, JSON.stringify(q.ids)).map((r) => ({
      model: r.model,
      version: r.version,
      predictionId: r.prediction_id,
      score: r.score,
      label: r.label,
      traceId: r.trace_id,
      spanId: r.span_id,
      timeMs: r.time_ms,
    }));
  }

  outcomeSpans(q: { model: string; fromMs: number; toMs: number }): OutcomeSpanRecord[] {
    return this.#outcomes.all(q.model, q.fromMs, q.toMs).map(outcomeRecord);
  }

  /** Outcomes of one version sent without the predicted label and not marked outside the holdout. */
  unlabelledOutcomes(q: VersionWindow): OutcomeSpanRecord[] {
    if (!this.#presence.mayHaveUnlabelledOutcomes(q.model, q.version)) return [];
    return this.#unlabelledOutcomes.all(q.model, q.version, q.fromMs, q.toMs).map(outcomeRecord);
  }

  /**
   * `unlabelledOutcomes` joined to their prediction spans by id in SQLite and counted by outcome label and
   * the prediction's label (those whose prediction has no label, or is not stored, left out).
   */
  joinableOutcomes(q: VersionWindow): JoinableOutcomes[] {
    if (!this.#presence.mayHaveUnlabelledOutcomes(q.model, q.version)) return [];
    return this.#joinableOutcomes.all(q.model, q.version, q.fromMs, q.toMs);
  }

  /** Reservoir contents of the time buckets in [fromMs, toMs), by time bucket, score bucket, priority. */
  exemplars(q: { model: string; version?: string; fromMs: number; toMs: number }): ExemplarRecord[] {
    const rows =
      q.version === undefined
        ? this.#exemplars.all(q.model, q.fromMs, q.toMs)
        : this.#exemplarsOfVersion.all(q.model, q.fromMs, q.toMs, q.version);
    return rows.map(exemplarRecord);
  }

  recentExemplars(q: RecentExemplarsQuery): ExemplarRecord[] {
    // Many services export no traces, or none in the window: no walk per bucket then.
    if (!this.#presence.mayHaveExemplars(q.model, q.version)) return [];
    if (this.#anyExemplar.get(q.model, q.version, q.fromMs, q.toMs) === undefined) return [];
    return q.scoreBuckets.flatMap((bucket) =>
      this.#recentExemplars.all(q.model, q.version, bucket, q.fromMs, q.toMs, q.limit).map(exemplarRecord),
    );
  }
}

function outcomeRecord(r: OutcomeRow): OutcomeSpanRecord {
  return {
    model: r.model,
    version: r.version,
    predictionId: r.prediction_id,
    outcomeLabel: r.outcome_label,
    predictedLabel: r.predicted_label,
    score: r.score,
    holdout: r.holdout === null ? null : r.holdout !== 0,
    traceId: r.trace_id,
    spanId: r.span_id,
    timeMs: r.time_ms,
  };
}
