import type { Attributes } from '../receive/model.js';
import { msOf } from './aggregate.js';
import { packFloat64 } from './blob.js';
import { type BucketRow, PackBucket } from './bucket-row.js';
import { canonicalAttributes } from './canonical.js';
import type { InstrumentKind } from './instruments.js';
import { START_HOUR_NS } from './pack.js';
import { type SeriesIdentity, seriesKey } from './series-key.js';
import type { Statements } from './statements.js';
import { StreamGroup } from './stream.js';

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

/** The cached state of one pack: its newest time bucket plus those a request is writing, its streams. */
interface PackState {
  buckets: Map<number, PackBucket>;
  /** the newest bucket of the pack in the file, read when first needed: a newer one has no row yet */
  newestStored: number | undefined;
  /** its cumulative streams by the hour they start in, each group read once */
  streams: Map<bigint, StreamGroup>;
  /** made by this process: nothing of it is in the file but what this process wrote */
  created: boolean;
}

/** A bucket of a series is noted in `series` when it is at least this much newer than the last noted. */
export const NOTE_MS = 3_600_000;

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
  /** series id → pack id */
  readonly #packOf = new Map<number, number>();
  /** kind, model and instrument → pack id */
  readonly #packIds = new Map<string, number>();
  readonly #packs = new Map<number, PackState>();
  /** series id → the bucket last noted in `series` by this process */
  readonly #noted = new Map<number, number>();
  readonly #statements: Statements;

  constructor(statements: Statements) {
    this.#statements = statements;
  }

  clear(): void {
    this.#groups.clear();
    this.#packOf.clear();
    this.#packIds.clear();
    this.#packs.clear();
    this.#noted.clear();
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
    const stored = this.#statements.seriesId.get(key);
    let id: number;
    if (stored !== undefined) {
      id = stored.id;
      this.#packOf.set(id, stored.pack_id);
    } else {
      const packId = this.#packId(group.kind, model, group.instrument);
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
          packId,
        ) as { id: number }
      ).id;
      this.#packOf.set(id, packId);
    }
    leaf.ids.set(boundsText, id);
    return id;
  }

  /** The pack of a model's series of one instrument and kind, created on first sight. */
  #packId(kind: InstrumentKind, model: string, instrument: string): number {
    const key = `${kind}\0${model}\0${instrument}`;
    let id = this.#packIds.get(key);
    if (id === undefined) {
      id = this.#statements.packId.get(kind, model, instrument)?.id;
      if (id === undefined) {
        id = (this.#statements.insertPackKey.get(kind, model, instrument) as { id: number }).id;
        this.#packs.set(id, {
          buckets: new Map(),
          newestStored: Number.NEGATIVE_INFINITY,
          streams: new Map(),
          created: true,
        });
      }
      this.#packIds.set(key, id);
    }
    return id;
  }

  /** The state of a series' pack. */
  #packState(seriesId: number): PackState {
    const packId = this.#packOf.get(seriesId);
    if (packId === undefined) throw new Error(`Series ${seriesId} was not looked up by seriesId().`);
    let state = this.#packs.get(packId);
    if (!state) {
      state = { buckets: new Map(), newestStored: undefined, streams: new Map(), created: false };
      this.#packs.set(packId, state);
    }
    return state;
  }

  /** The cumulative streams of a series' pack that start in the hour of `startNs`, as committed, read once. */
  streams(seriesId: number, startNs: bigint): StreamGroup {
    const state = this.#packState(seriesId);
    const hour = startNs / START_HOUR_NS;
    let group = state.streams.get(hour);
    if (!group) {
      const packId = this.#packOf.get(seriesId) as number;
      group = new StreamGroup(packId, hour);
      if (!state.created) {
        const stored = this.#statements.streamsOf.get(packId, hour);
        if (stored) group.load(stored.entries);
      }
      state.streams.set(hour, group);
    }
    return group;
  }

  /** The row of (series, bucket) as committed (not `stored` when its pack has none). */
  bucketRow(seriesId: number, bucketMs: number): BucketRow {
    return this.packBucket(seriesId, bucketMs).row(seriesId);
  }

  /** The time bucket of a series' pack as committed, read once. */
  packBucket(seriesId: number, bucketMs: number): PackBucket {
    const state = this.#packState(seriesId);
    let bucket = state.buckets.get(bucketMs);
    if (!bucket) {
      const packId = this.#packOf.get(seriesId) as number;
      bucket = new PackBucket(packId, bucketMs);
      state.newestStored ??= this.#statements.newestOfPack.get(packId)?.max ?? Number.NEGATIVE_INFINITY;
      if (bucketMs <= state.newestStored) {
        const stored = this.#statements.packOf.get(bucketMs, packId);
        if (stored) bucket.load(stored.entries, stored.deltas);
      }
      state.buckets.set(bucketMs, bucket);
    }
    return bucket;
  }

  /**
   * Inside the checkpoint's transaction, after its packs and stream groups were written: they are stored
   * now, and series with data (a bucket, a stream's point) an hour past what was last noted of them are
   * noted again (`series.noted_bucket_ms`).
   */
  written(packs: readonly PackBucket[], groups: readonly StreamGroup[]): void {
    for (const bucket of packs) {
      const state = this.#packs.get(bucket.packId);
      if (state && bucket.bucketMs > (state.newestStored ?? Number.NEGATIVE_INFINITY))
        state.newestStored = bucket.bucketMs;
      for (const row of bucket.rows.values()) if (row.stored) this.#note(row.seriesId, row.bucketMs);
      for (const seriesId of bucket.deltaSeries()) this.#note(seriesId, bucket.bucketMs);
    }
    for (const group of groups) for (const s of group.entries()) this.#note(s.seriesId, msOf(s.timeNs));
  }

  #note(seriesId: number, atMs: number): void {
    const noted = this.#noted.get(seriesId);
    if (noted !== undefined && atMs < noted + NOTE_MS) return;
    this.#statements.noteSeries.run(atMs, atMs, seriesId);
    this.#noted.set(seriesId, atMs);
  }

  /** Keeps only the newest cached bucket of a pack (the one the next request most likely adds to). */
  trimPack(packId: number): void {
    const state = this.#packs.get(packId);
    if (!state || state.buckets.size < 2) return;
    let newest = Number.NEGATIVE_INFINITY;
    for (const bucketMs of state.buckets.keys()) if (bucketMs > newest) newest = bucketMs;
    for (const bucketMs of state.buckets.keys()) if (bucketMs !== newest) state.buckets.delete(bucketMs);
  }
}
