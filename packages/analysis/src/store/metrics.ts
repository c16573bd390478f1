import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../receive/model.js';
import { bucketStart } from './aggregate.js';
import type { BucketRow } from './bucket-row.js';
import { canonicalAttributes, stringAttribute } from './canonical.js';
import { ErrorList } from './errors.js';
import {
  ATTR_MODEL_NAME,
  ATTR_MODEL_VERSION,
  type InstrumentKind,
  isAnalysisScope,
  storedKind,
} from './instruments.js';
import type { Registry, SeriesGroup } from './registry.js';
import type { RollingWindows } from './rolling.js';
import { instanceOf } from './series-key.js';
import type { Statements } from './statements.js';
import { HistogramStream, type PointDelta } from './stream.js';
import { counterStep } from './temporality.js';
import type { IngestResult } from './types.js';
import type { Unflushed } from './unflushed.js';
import { counterProblem, histogramProblem } from './validate.js';

export interface MetricsContext {
  statements: Statements;
  registry: Registry;
  /** where the changes go until the next checkpoint writes them */
  unflushed: Unflushed;
  /** window sums kept up to date with every request */
  rolling: RollingWindows;
  bucketMs: number;
  retentionMs: number;
}

/** Where the points of one metric go: the parts of the series key shared by all of them. */
interface MetricScope {
  group: SeriesGroup;
  cumulative: boolean;
}

/**
 * Applies a decoded ExportMetricsServiceRequest to the in-memory state (`ctx.unflushed` lists what changed;
 * only new series are inserted right away). The caller runs it inside one transaction, and rebuilds the
 * state from the database when it throws (SQLite failed). Returns the tallies.
 */
export function applyMetrics(
  ctx: MetricsContext,
  request: MetricsRequest,
  receivedAtMs: number,
): IngestResult {
  const run = new MetricsRun(ctx, receivedAtMs);
  for (const rm of request.resourceMetrics) {
    let resource: string | undefined;
    let instance = '';
    for (const sm of rm.scopeMetrics) {
      if (isAnalysisScope(sm.scope.name)) continue; // loop guard: our own re-emitted results
      for (const metric of sm.metrics) {
        const kind = storedKind(metric.name);
        if (kind === undefined) continue; // not a modelpulse instrument (or one we re-emit): ignored
        if (resource === undefined) {
          resource = canonicalAttributes(rm.resource);
          instance = instanceOf(rm.resource);
        }
        run.metric(metric, kind, sm.scope.name, resource, instance);
      }
    }
  }
  return run.finish();
}

class MetricsRun {
  accepted = 0;
  rejected = 0;
  readonly errors = new ErrorList();
  /** bucket rows this request adds to */
  readonly #rows: BucketRow[] = [];
  /** the delta of the current cumulative histogram point (reused) */
  readonly #delta: PointDelta = { count: 0, sum: 0, counts: [] };
  readonly #oldestBucketMs: number;
  #lastBounds: readonly number[] | null = null;
  /** bounds of the last accepted histogram point: a point sharing the array needs no bounds checks */
  #checkedBounds: readonly number[] | undefined;
  #lastBoundsText = '';
  /** version of the point #model last accepted */
  #version = '';
  #lastModel: string | undefined;
  #lastVersion = '';
  #lastInstance = '';
  #lastTimeNs = -1n;
  #lastBucketMs = 0;

  constructor(
    readonly ctx: MetricsContext,
    readonly receivedAtMs: number,
  ) {
    this.#oldestBucketMs = receivedAtMs - ctx.retentionMs;
  }

  #reject(metric: Metric, count: number, problem: string): void {
    this.rejected += count;
    if (count > 0) this.errors.add(`${metric.name}: ${problem}`);
  }

  metric(metric: Metric, kind: InstrumentKind, scope: string, resource: string, instance: string): void {
    if (metric.type === 'gauge') return; // not recorded by modelpulse: ignored
    if (metric.type === 'sum' && !metric.monotonic) return; // UpDownCounter: ignored
    if (metric.type === 'unsupported') {
      this.#reject(
        metric,
        metric.pointCount,
        `${metric.kind} data points are not supported; record it as an explicit-bucket histogram`,
      );
      return;
    }
    if (metric.type !== kind) {
      const expected = kind === 'histogram' ? 'a histogram' : 'a monotonic sum';
      this.#reject(metric, metric.points.length, `expected ${expected}, got a ${metric.type}`);
      return;
    }
    if (metric.temporality === 'unspecified') {
      this.#reject(metric, metric.points.length, 'aggregation temporality is unspecified');
      return;
    }
    const at: MetricScope = {
      group: this.ctx.registry.group(kind, metric.name, scope, resource, instance),
      cumulative: metric.temporality === 'cumulative',
    };
    if (metric.type === 'histogram') {
      for (const point of metric.points) this.#histogram(metric, at, point);
    } else {
      for (const point of metric.points) this.#counter(metric, at, point);
    }
  }

  /** Text equal for equal bounds; consecutive points nearly always share them, so it is cached. */
  #boundsText(bounds: readonly number[] | null): string {
    if (bounds === null) return '-';
    const last = this.#lastBounds;
    if (bounds === last) return this.#lastBoundsText; // shared by the decoder when equal
    if (last !== null && last.length === bounds.length) {
      let same = true;
      for (let i = 0; i < bounds.length && same; i++) same = last[i] === bounds[i];
      if (same) return this.#lastBoundsText;
    }
    this.#lastBounds = bounds;
    this.#lastBoundsText = bounds.join(',');
    return this.#lastBoundsText;
  }

  /**
   * Model and version of a point (registering its instance as seen), or undefined when it has no model
   * name: then it is rejected. The version is left in `#version` (no tuple per point).
   */
  #model(metric: Metric, at: MetricScope, point: HistogramPoint | NumberPoint): string | undefined {
    const model = stringAttribute(point.attributes, ATTR_MODEL_NAME);
    if (model === undefined || model === '') {
      this.#reject(metric, 1, `point without ${ATTR_MODEL_NAME}`);
      return undefined;
    }
    const version = stringAttribute(point.attributes, ATTR_MODEL_VERSION) ?? '';
    this.#version = version;
    this.accepted++;
    const { instance } = at.group;
    // Consecutive points nearly always share model, version and instance: skip the key then.
    if (model === this.#lastModel && version === this.#lastVersion && instance === this.#lastInstance) {
      return model;
    }
    this.#lastModel = model;
    this.#lastVersion = version;
    this.#lastInstance = instance;
    this.ctx.unflushed.seen(model, version, instance, this.receivedAtMs);
    return model;
  }

  /** Start of the time bucket of a point; consecutive points nearly always share their time. */
  #bucketOf(timeNs: bigint): number {
    if (timeNs !== this.#lastTimeNs) {
      this.#lastTimeNs = timeNs;
      this.#lastBucketMs = bucketStart(timeNs, this.ctx.bucketMs);
    }
    return this.#lastBucketMs;
  }

  /**
   * What both kinds of point go through first: validation (a problem rejects it), the model, and the time
   * bucket. Undefined when there is nothing more to do; the model is left in `#lastModel`.
   */
  #admit(
    metric: Metric,
    at: MetricScope,
    point: HistogramPoint | NumberPoint,
    problem: string | undefined,
  ): number | undefined {
    if (problem) {
      this.#reject(metric, 1, problem);
      return undefined;
    }
    if (this.#model(metric, at, point) === undefined) return undefined;
    const bucketMs = this.#bucketOf(point.timeUnixNano);
    // A delta point older than retention has nothing left to do (not even a dedupe key to check).
    if (!at.cumulative && bucketMs < this.#oldestBucketMs) return undefined;
    return bucketMs;
  }

  #histogram(metric: Metric, at: MetricScope, point: HistogramPoint): void {
    const bucketMs = this.#admit(
      metric,
      at,
      point,
      histogramProblem(point, point.bounds === this.#checkedBounds),
    );
    if (bucketMs === undefined) return;
    this.#checkedBounds = point.bounds;
    const model = this.#lastModel as string;
    const bounds = point.counts.length === 0 ? null : point.bounds;
    const seriesId = this.ctx.registry.seriesId(
      at.group,
      model,
      this.#version,
      point.attributes,
      bounds,
      this.#boundsText(bounds),
    );
    const sum = point.sum ?? 0;
    if (at.cumulative) {
      const start = point.startTimeUnixNano;
      const group = this.ctx.registry.streams(seriesId, start);
      const delta = this.#delta;
      let stream = group.histogram(seriesId, start);
      if (stream === undefined) {
        // first point of the stream: its full value
        const counts = Float64Array.from(point.counts);
        stream = new HistogramStream(seriesId, start, point.timeUnixNano, point.count, sum, counts);
        group.setHistogram(stream);
        delta.count = point.count;
        delta.sum = sum;
        delta.counts = point.counts;
      } else if (!stream.advance(point.timeUnixNano, point.count, sum, point.counts, delta)) {
        return; // retry or out-of-order duplicate
      }
      this.ctx.unflushed.advanced(group);
      if (bucketMs < this.#oldestBucketMs) return; // older than retention: state only
      this.#addToBucket(seriesId, bucketMs, delta.count, delta.sum, delta.counts);
    } else {
      if (!this.#firstDelta(seriesId, bucketMs, point)) return;
      this.#addToBucket(seriesId, bucketMs, point.count, sum, point.counts);
    }
  }

  #counter(metric: Metric, at: MetricScope, point: NumberPoint): void {
    const bucketMs = this.#admit(metric, at, point, counterProblem(point));
    if (bucketMs === undefined) return;
    const model = this.#lastModel as string;
    const seriesId = this.ctx.registry.seriesId(at.group, model, this.#version, point.attributes, null, '-');
    if (at.cumulative) {
      const start = point.startTimeUnixNano;
      const group = this.ctx.registry.streams(seriesId, start);
      const step = counterStep(group.counter(seriesId, start), {
        startNs: start,
        timeNs: point.timeUnixNano,
        value: point.value,
      });
      if (step.delta === null) return;
      group.setCounter(seriesId, step.next);
      this.ctx.unflushed.advanced(group);
      if (bucketMs < this.#oldestBucketMs) return;
      this.#addToBucket(seriesId, bucketMs, 0, step.delta, null);
    } else {
      if (!this.#firstDelta(seriesId, bucketMs, point)) return;
      this.#addToBucket(seriesId, bucketMs, 0, point.value, null);
    }
  }

  /** Adds a delta to its bucket row (a counter's increase is its sum); nothing changes, nothing is written. */
  #addToBucket(
    seriesId: number,
    bucketMs: number,
    count: number,
    sum: number,
    counts: ArrayLike<number> | null,
  ): void {
    if (count === 0 && sum === 0) return;
    const row = this.ctx.registry.bucketRow(seriesId, bucketMs);
    if (row.add(count, sum, counts)) this.#rows.push(row);
  }

  /**
   * Records a delta point's identity with its time bucket (stored with the bucket's pack); false when it
   * was applied before (a retried delta export).
   */
  #firstDelta(seriesId: number, bucketMs: number, point: HistogramPoint | NumberPoint): boolean {
    const pack = this.ctx.registry.packBucket(seriesId, bucketMs);
    if (!pack.firstDelta(seriesId, point.startTimeUnixNano, point.timeUnixNano)) return false;
    this.ctx.unflushed.packChanged(pack);
    return true;
  }

  /** Adds the request's sums to the bucket totals; the rows are written at the next checkpoint. */
  finish(): IngestResult {
    for (const row of this.#rows) {
      this.ctx.rolling.added(row);
      row.settle();
      this.ctx.unflushed.packChanged(row.pack);
    }
    return { accepted: this.accepted, rejected: this.rejected, errors: this.errors.list() };
  }
}
