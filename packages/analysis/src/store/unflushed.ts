import type { PackBucket } from './bucket-row.js';
import type { Registry } from './registry.js';
import type { Statements } from './statements.js';
import type { StreamGroup } from './stream.js';

/**
 * What acknowledged metric exports changed since the last checkpoint, held in memory. Their bodies are in
 * the ingest log (ingest-log.ts), so this is never the only copy: a checkpoint writes it, and after a
 * crash the log is replayed instead. Rows updated by many exports between two
 * checkpoints are written once, in one row per pack and bucket.
 */
export class Unflushed {
  /** pack buckets with new totals or delta identities (each listed once: `PackBucket.listed`) */
  readonly #packs: PackBucket[] = [];
  /** groups of cumulative streams of which one advanced (each listed once: `StreamGroup.listed`) */
  readonly streams: StreamGroup[] = [];
  /** liveness: newest receive time per model / version / instance */
  readonly instances = new Map<string, { model: string; version: string; instance: string; atMs: number }>();

  get empty(): boolean {
    return this.#packs.length === 0 && this.streams.length === 0 && this.instances.size === 0;
  }

  /** Notes that a stream of the group advanced. */
  advanced(group: StreamGroup): void {
    if (group.listed) return;
    group.listed = true;
    this.streams.push(group);
  }

  /** Notes a pack bucket that changed: a row's totals, or a delta point's identity. */
  packChanged(pack: PackBucket): void {
    if (pack.listed) return;
    pack.listed = true;
    this.#packs.push(pack);
  }

  seen(model: string, version: string, instance: string, atMs: number): void {
    const key = `${model}\0${version}\0${instance}`;
    const known = this.instances.get(key);
    if (known === undefined) this.instances.set(key, { model, version, instance, atMs });
    else if (atMs > known.atMs) known.atMs = atMs;
  }

  /** Writes everything; the caller runs it inside the transaction that also empties the log. */
  write(statements: Statements, registry: Registry): void {
    const packs = this.#packs;
    const writer = statements.writePacks;
    for (const pack of packs) writer.add(pack.bucketMs, pack.packId, pack.blob(), pack.deltasBlob());
    writer.flush();
    const streams = statements.writeStreams;
    for (const group of this.streams) {
      const { blob, oldestNs, newestNs } = group.pack();
      streams.add(group.packId, group.startHour, oldestNs, newestNs, blob);
    }
    streams.flush();
    registry.written(packs, this.streams);
    for (const i of this.instances.values())
      statements.touchInstance.run(i.model, i.version, i.instance, i.atMs);
  }

  /** After the checkpoint committed: everything is stored, and the row cache may shrink again. */
  committed(registry: Registry): void {
    for (const pack of this.#packs) registry.trimPack(pack.packId);
    this.forget();
  }

  /** Drops the lists (after a commit, or with the caches when the state is rebuilt from the database). */
  forget(): void {
    for (const pack of this.#packs) pack.listed = false;
    this.#packs.length = 0;
    for (const group of this.streams) group.listed = false;
    this.streams.length = 0;
    this.instances.clear();
  }
}
