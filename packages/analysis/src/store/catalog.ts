import type Database from 'better-sqlite3';
import { unpackFloat64 } from './blob.js';
import { attributeMap } from './canonical.js';
import type { AttributeMap } from './types.js';

/** What the queries need of a series, parsed once. */
export interface SeriesInfo {
  id: number;
  version: string;
  /** canonical attributes + bounds: series with equal keys are merged by the queries (instances) */
  groupKey: string;
  attributes: Readonly<AttributeMap>;
  bounds: readonly number[];
}

interface SeriesRow {
  id: number;
  kind: string;
  model: string;
  instrument: string;
  version: string;
  attributes: string;
  bounds: Buffer | null;
}

const SELECT = 'SELECT id, kind, model, instrument, version, attributes, bounds FROM series';

/** Series by model, instrument and kind, loaded from the `series` table at first use and on demand after. */
export class SeriesCatalog {
  readonly #all: Database.Statement<[], SeriesRow>;
  readonly #one: Database.Statement<[number], SeriesRow>;
  readonly #info = new Map<number, SeriesInfo>();
  /** one array per distinct bounds: series of one instrument share it, and comparing them is `===` */
  readonly #bounds = new Map<string, readonly number[]>();
  /** by model, instrument and kind: in group-key order once asked for (a new series unsorts its list) */
  readonly #index = new Map<string, { series: SeriesInfo[]; sorted: boolean }>();
  #loaded = false;

  constructor(db: Database.Database) {
    this.#all = db.prepare<[], SeriesRow>(SELECT);
    this.#one = db.prepare<[number], SeriesRow>(`${SELECT} WHERE id = ?`);
  }

  /**
   * The series of one model, instrument and kind, ordered by group key (series to merge are adjacent, and
   * answers come out in key order without sorting them per query).
   */
  seriesOf(kind: string, model: string, instrument: string): readonly SeriesInfo[] {
    this.#load();
    const list = this.#index.get(indexKey(kind, model, instrument));
    if (list === undefined) return EMPTY;
    if (!list.sorted) {
      list.series.sort((a, b) => (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : a.id - b.id));
      list.sorted = true;
    }
    return list.series;
  }

  /** A series by id (read when created after the load), or undefined when there is none. */
  info(id: number): SeriesInfo | undefined {
    this.#load();
    const known = this.#info.get(id);
    if (known !== undefined) return known;
    const row = this.#one.get(id);
    return row === undefined ? undefined : this.#add(row);
  }

  #load(): void {
    if (this.#loaded) return;
    for (const row of this.#all.iterate()) this.#add(row);
    this.#loaded = true;
  }

  /** Makes a series created after the load known (a no-op before it, which reads them all). */
  ensure(id: number): void {
    if (!this.#loaded || this.#info.has(id)) return;
    const row = this.#one.get(id);
    if (row) this.#add(row);
  }

  clear(): void {
    this.#info.clear();
    this.#bounds.clear();
    this.#index.clear();
    this.#loaded = false;
  }

  #add(row: SeriesRow): SeriesInfo {
    const key = boundsKey(row.bounds);
    let bounds = this.#bounds.get(key);
    if (bounds === undefined) {
      bounds = Object.freeze(unpackFloat64(row.bounds));
      this.#bounds.set(key, bounds);
    }
    const info: SeriesInfo = {
      id: row.id,
      version: row.version,
      groupKey: `${row.attributes}${key}`,
      attributes: Object.freeze(attributeMap(row.attributes)),
      bounds,
    };
    this.#info.set(row.id, info);
    const index = indexKey(row.kind, row.model, row.instrument);
    let list = this.#index.get(index);
    if (!list) {
      list = { series: [], sorted: true };
      this.#index.set(index, list);
    }
    list.series.push(info);
    list.sorted = false;
    return info;
  }
}

const EMPTY: readonly SeriesInfo[] = [];

/** Text equal for equal packed bounds (`-` for none): the bounds part of a group key. */
export function boundsKey(bounds: Buffer | null): string {
  return bounds === null ? '-' : `b${bounds.toString('hex')}`;
}
const indexKey = (kind: string, model: string, instrument: string) => `${kind}\0${model}\0${instrument}`;
