import { describe } from '../internal/assert.js';

/** Training data in columns: one array per column, all of the same length (typed arrays are fastest). */
export interface ProfileColumns {
  columns: Readonly<Record<string, ArrayLike<unknown>>>;
}

/** What `buildProfile` reads: an iterable of row objects, or columns. */
export type ProfileInput = Iterable<Readonly<Record<string, unknown>>> | ProfileColumns;

export type ColumnKind = 'numeric' | 'categorical';

/** One column's values with its missing ones counted and set aside. */
export type Collected =
  | { kind: 'numeric'; values: Float64Array; missing: number }
  | { kind: 'categorical'; counts: Map<string, number>; missing: number };

/**
 * Reads the named columns out of rows or columns, counting missing values (null, undefined, NaN, the
 * empty string) and rejecting values of the wrong type with the row and column named.
 */
export function collect(
  fn: string,
  input: ProfileInput,
  wanted: ReadonlyMap<string, ColumnKind>,
): { rows: number; columns: Map<string, Collected> } {
  if (typeof input === 'object' && input !== null && 'columns' in input && !(Symbol.iterator in input)) {
    return collectColumns(fn, input.columns, wanted);
  }
  if (typeof input !== 'object' || input === null || !(Symbol.iterator in input)) {
    throw new TypeError(
      `${fn}: rows must be an iterable of row objects or { columns }, got ${describe(input)}.`,
    );
  }
  return collectRows(fn, input as Iterable<Readonly<Record<string, unknown>>>, wanted);
}

function collectRows(
  fn: string,
  rows: Iterable<Readonly<Record<string, unknown>>>,
  wanted: ReadonlyMap<string, ColumnKind>,
): { rows: number; columns: Map<string, Collected> } {
  const capacity = Array.isArray(rows) ? rows.length : 1024;
  const names = [...wanted.keys()];
  const sinks = names.map((name) => sinkFor(fn, name, wanted.get(name) as ColumnKind, capacity));
  let row = 0;
  for (const record of rows) {
    if (typeof record !== 'object' || record === null) {
      throw new TypeError(`${fn}: rows[${row}] must be an object, got ${describe(record)}.`);
    }
    for (let c = 0; c < names.length; c++) (sinks[c] as Sink).add(record[names[c] as string], row);
    row++;
  }
  return { rows: row, columns: new Map(names.map((name, c) => [name, (sinks[c] as Sink).done()])) };
}

function collectColumns(
  fn: string,
  columns: Readonly<Record<string, ArrayLike<unknown>>>,
  wanted: ReadonlyMap<string, ColumnKind>,
): { rows: number; columns: Map<string, Collected> } {
  let rows = -1;
  let first = '';
  const out = new Map<string, Collected>();
  for (const [name, kind] of wanted) {
    const column = columns[name];
    if (column === undefined || typeof column.length !== 'number') {
      throw new TypeError(`${fn}: rows.columns.${name} must be an array, got ${describe(column)}.`);
    }
    if (rows === -1) {
      rows = column.length;
      first = name;
    } else if (column.length !== rows) {
      throw new RangeError(
        `${fn}: rows.columns.${name} has ${column.length} values, but rows.columns.${first} has ${rows}.`,
      );
    }
    if (kind === 'numeric' && column instanceof Float64Array) {
      out.set(name, collectFloat64(fn, name, column));
      continue;
    }
    const sink = sinkFor(fn, name, kind, column.length);
    for (let i = 0; i < column.length; i++) sink.add(column[i], i);
    out.set(name, sink.done());
  }
  return { rows: Math.max(rows, 0), columns: out };
}

/** Fast path: sort a copy, and the NaNs (missing) gather at the end where they are cut off. */
function collectFloat64(fn: string, name: string, column: Float64Array): Collected {
  const values = column.slice();
  values.sort();
  let end = values.length;
  while (end > 0 && Number.isNaN(values[end - 1])) end--;
  if (end > 0 && !(Number.isFinite(values[0]) && Number.isFinite(values[end - 1]))) {
    const row = column.findIndex((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY);
    throw new TypeError(
      `${fn}: rows[${row}].${name} must be a finite number or missing, got ${column[row]}.`,
    );
  }
  return { kind: 'numeric', values: values.subarray(0, end), missing: values.length - end };
}

interface Sink {
  add(raw: unknown, row: number): void;
  done(): Collected;
}

function sinkFor(fn: string, name: string, kind: ColumnKind, capacity: number): Sink {
  let missing = 0;
  if (kind === 'categorical') {
    const counts = new Map<string, number>();
    return {
      add(raw, row) {
        if (isMissing(raw)) missing++;
        else {
          const key = toCategory(fn, raw, row, name);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      },
      done: () => ({ kind, counts, missing }),
    };
  }
  let data = new Float64Array(Math.max(16, capacity));
  let length = 0;
  return {
    add(raw, row) {
      if (isMissing(raw)) {
        missing++;
        return;
      }
      if (length === data.length) {
        const bigger = new Float64Array(data.length * 2);
        bigger.set(data);
        data = bigger;
      }
      data[length++] = toNumber(fn, raw, row, name);
    },
    done() {
      const values = data.subarray(0, length);
      values.sort();
      return { kind, values, missing };
    },
  };
}

/** Whether a raw value counts as missing: null, undefined, NaN or the empty string. */
export function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

/** A decimal number as data files write it: '0x10' or '0b101' (which Number() reads) are not numbers here. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The decimal number a string holds, else NaN. @internal */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function toNumber(fn: string, value: unknown, row: number, column: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? parseDecimal(value) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw new TypeError(
      `${fn}: rows[${row}].${column} must be a finite number or missing, got ${describe(value)}.`,
    );
  }
  return n;
}

function toCategory(fn: string, value: unknown, row: number, column: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(
    `${fn}: rows[${row}].${column} must be a string, number or boolean, got ${describe(value)}.`,
  );
}
