import type { Attributes } from '../receive/model.js';
import { float64FromBlob, packFloat64 } from './blob.js';
import { BucketRow } from './bucket-row.js';
import { canonicalAttributes } from './canonical.js';
import type { InstrumentKind } from './instruments.js';
import { type SeriesIdentity, seriesKey } from './series-key.js';
import type { Statements } from './statements.js';
import { HistogramStream } from './stream.js';
import type { CounterState } from './temporality.js';

/**
 * A node of the attribute trie: one level per attribute in the order the exporter wrote them, keyed by
 * attribute key then value. Walking it costs a few short-string lookups, where canonicalising the
 * attributes and hashing the result costs a sort and a long string per point.
 */
interface TrieNode {
  next: Map<string, Map<unknown, TrieNode>> | undefined;
  /** canonical attributes of the path and series ids by bounds text, once reached */
  leaf: { attributes: string; ids: Map<string, number> } | undefined;
}

/** The parts of a series key shared by all points of one metric in one resource and scope. */
export interface SeriesGroup {
  kind: InstrumentKind;
  instrument: string;
  scope: string;
  resource: string;
  instance: string;
  trie: TrieNode;
  /** leaves of attribute sets with list or map values (not used by modelpulse), by canonical text */
  complex: Map<string, Leaf>;
  /** leaves of the decoder's interned (frozen, shared) attribute objects, by identity */
  interned: WeakMap<Attributes, Leaf>;
}

type Leaf = NonNullable<TrieNode['leaf']>;

/** The cached `buckets` rows of one series: its newest row, plus the rows a request is writing. */
interface SeriesBuckets {
  rows: Map<number, BucketRow>;
  /**
   * Whether the series was created by this process, so that a bucket newer than `droppedUpTo` (the newest
   * row dropped from `rows`) that is not in `rows` has no row: no read needed.
   */
  complete: boolean;
  droppedUpTo: number;
}

function leafOf(group: SeriesGroup, attributes: Attributes): Leaf {
  let node = group.trie;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && typeof value === 'object') {
      const canonical = canonicalAttributes(attributes);
      let leaf = group.complex.get(canonical);
      if (!leaf) {
        leaf = { attributes: canonical, ids: new Map() };
        group.complex.set(canonical, leaf);
      }
      return leaf;
    }
    node.next ??= new Map();
    let byValue = node.next.get(key);
    if (!byValue) {
      byValue = new Map();
      node.next.set(key, byValue);
    }
    let child = byValue.get(value);
    if (!child) {
      child = { next: undefined, leaf: undefined };
      byValue.set(value, child);
    }
    node = child;
  }
  node.leaf ??= { attributes: canonicalAttributes(attributes), ids: new Map() };
  return node.leaf;
}

/**
 * Read-through caches of the series ids and of the cumulative stream states. They are only a copy of what
 * is committed: the store clears them when a transaction fails or rows are pruned.
 */
export class Registry {
  readonly #groups = new Map<string, SeriesGroup>();
  readonly #histograms = new Map<number, Map<bigint, HistogramStream>>();
  readonly #counters = new Map<number, Map<bigint, CounterState>>();
  readonly #buckets = new Map<number, SeriesBuckets>();
  /** the newest delta point time this process applied, per series */
  readonly #newestDelta = new Map<number, bigint>();
  /** the newest delta point time in the file, read when first needed */
  #newestStoredDelta: bigint | undefined;
  readonly #statements: Statements;

  constructor(statements: Statements) {
    this.#statements = statements;
  }

  clear(): void {
    this.#groups.clear();
    this.#histograms.clear();
    this.#counters.clear();
    this.#buckets.clear();
    this.#newestDelta.clear();
    this.#newestStoredDelta = undefined;
  }

  /**
   * Whether a delta point of the series at `timeNs` is newer than every delta point applied to it, stored
   * or not: then it cannot be a retry, and needs no lookup. Exporters send delta points in time order, so
   * this holds for nearly all of them; a retried export of points already applied fails it and is looked up.
   */
  deltaIsNewer(seriesId: number, timeNs: bigint): boolean {
    this.#newestStoredDelta ??= this.#statements.newestDelta.get()?.max ?? -1n;
    return timeNs > this.#newestStoredDelta && timeNs > (this.#newestDelta.get(seriesId) ?? -1n);
  }

  /** Notes a delta point applied to the series (kept until the next `clear`). */
  deltaApplied(seriesId: number, timeNs: bigint): void {
    if (timeNs > (this.#newestDelta.get(seriesId) ?? -1n)) this.#newestDelta.set(seriesId, timeNs);
  }

  group(
    kind: InstrumentKind,
    instrument: string,
    scope: string,
    resource: string,
    instance: string,
  ): SeriesGroup {
    const key = JSON.stringify([kind, instrument, scope]) + resource;
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        kind,
        instrument,
        scope,
        resource,
        instance,
        trie: { next: undefined, leaf: undefined },
        complex: new Map(),
        interned: new WeakMap(),
      };
      this.#groups.set(key, group);
    }
    return group;
  }

  /**
   * The id of a series, created on first sight (inside the caller's transaction). `boundsText` is any text
   * equal for equal bounds (the caller caches it); the stored key uses the bounds themselves.
   */
  seriesId(
    group: SeriesGroup,
    model: string,
    version: string,
    pointAttributes: Attributes,
    bounds: readonly number[] | null,
    boundsText: string,
  ): number {
    let leaf = group.interned.get(pointAttributes);
    if (leaf === undefined) {
      leaf = leafOf(group, pointAttributes);
      if (Object.isFrozen(pointAttributes)) group.interned.set(pointAttributes, leaf);
    }
    const cached = leaf.ids.get(boundsText);
    if (cached !== undefined) return cached;
    const { attributes } = leaf;
    const identity: SeriesIdentity = {
      kind: group.kind,
      instrument: group.instrument,
      model,
      version,
      scope: group.scope,
      resource: group.resource,
      attributes,
      bounds,
    };
    const key = seriesKey(identity);
    let id = this.#statements.seriesId.get(key)?.id;
    if (id === undefined) {
      id = (
        this.#statements.insertSeries.get(
          key,
          identity.kind,
          identity.instrument,
          model,
          version,
          identity.scope,
          identity.resource,
          group.instance,
          attributes,
          bounds === null ? null : packFloat64(bounds),
        ) as { id: number }
      ).id;
      // A new series has no cumulative state yet: skip the lookups.
      this.#histograms.set(id, new Map());
      this.#counters.set(id, new Map());
      this.#buckets.set(id, { rows: new Map(), complete: true, droppedUpTo: Number.NEGATIVE_INFINITY });
    }
    leaf.ids.set(boundsText, id);
    return id;
  }

  /** Cumulative histogram streams of a series, by start time. */
  histogramStreams(seriesId: number): Map<bigint, HistogramStream> {
    let streams = this.#histograms.get(seriesId);
    if (!streams) {
      streams = new Map();
      for (const row of this.#statements.cumulativeOf.all(seriesId)) {
        const counts = float64FromBlob(row.counts);
        streams.set(
          row.start_ns,
          new HistogramStream(seriesId, row.start_ns, row.time_ns, row.count, row.sum, counts),
        );
      }
      this.#histograms.set(seriesId, streams);
    }
    return streams;
  }

  /** Cumulative counter states of a series, by start time (the value is stored in `sum`). */
  counterStreams(seriesId: number): Map<bigint, CounterState> {
    let streams = this.#counters.get(seriesId);
    if (!streams) {
      streams = new Map();
      for (const row of this.#statements.cumulativeOf.all(seriesId)) {
        streams.set(row.start_ns, { startNs: row.start_ns, timeNs: row.time_ns, value: row.sum });
      }
      this.#counters.set(seriesId, streams);
    }
    return streams;
  }

  /** The `buckets` row of (series, bucket) as committed (not `stored` when there is none), read once. */
  bucketRow(seriesId: number, bucketMs: number): BucketRow {
    let cached = this.#buckets.get(seriesId);
    if (!cached) {
      cached = { rows: new Map(), complete: false, droppedUpTo: Number.NEGATIVE_INFINITY };
      this.#buckets.set(seriesId, cached);
    }
    let row = cached.rows.get(bucketMs);
    if (!row) {
      row = new BucketRow(seriesId, bucketMs);
      if (!cached.complete || bucketMs <= cached.droppedUpTo) {
        const stored = this.#statements.bucketOf.get(seriesId, bucketMs);
        if (stored) {
          const counts = stored.counts === null ? null : float64FromBlob(stored.counts);
          row.load(stored.count, stored.sum, counts);
        }
      }
      cached.rows.set(bucketMs, row);
    }
    return row;
  }

  /** Keeps only the newest cached row of a series (the one the next request most likely adds to). */
  trimBuckets(seriesId: number): void {
    const cached = this.#buckets.get(seriesId);
    if (!cached || cached.rows.size < 2) return;
    let newest = Number.NEGATIVE_INFINITY;
    for (const bucketMs of cached.rows.keys()) if (bucketMs > newest) newest = bucketMs;
    for (const bucketMs of cached.rows.keys()) {
      if (bucketMs === newest) continue;
      cached.rows.delete(bucketMs);
      if (bucketMs > cached.droppedUpTo) cached.droppedUpTo = bucketMs;
    }
  }
}
