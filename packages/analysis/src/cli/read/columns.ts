import { DataError } from './errors.js';

export type ColumnKind = 'numeric' | 'categorical';

/** A decimal number, optionally signed and with an exponent; surrounding blanks allowed. No hex, no Infinity. */
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A finished column as `buildProfile` reads it in columnar form (missing: NaN or null). */
export type ColumnData =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'categorical'; values: (string | null)[] };

export interface ColumnOptions {
  /** declared kind (flag or ARFF header): values that do not fit are an error, not a change of kind */
  kind?: ColumnKind | undefined;
  /** inclusive range every value must fall into (the score column) */
  range?: readonly [number, number] | undefined;
}

/**
 * One column, stored compactly while the file streams by: a Float64Array (NaN = missing) while every
 * value so far is a number, dictionary codes (-1 = missing) once it is categorical. An undeclared column
 * starts numeric and turns categorical at its first non-numeric value; the numbers seen until then become
 * categories spelled as JavaScript prints them.
 */
export class Column {
  kind: ColumnKind;
  private readonly declared: boolean;
  private numbers = new Float64Array(1024);
  private codes = new Int32Array(0);
  private readonly dictionary: string[] = [];
  private readonly index = new Map<string, number>();
  length = 0;
  missing = 0;

  constructor(
    readonly name: string,
    private readonly options: ColumnOptions = {},
  ) {
    this.declared = options.kind !== undefined;
    this.kind = options.kind ?? 'numeric';
    if (this.kind === 'categorical') this.codes = new Int32Array(1024);
  }

  /** Appends one value; `null` is missing (the caller has already mapped the NA spellings to null). */
  add(cell: unknown, line: number): void {
    if (cell === null || cell === undefined || cell === '') {
      this.missing++;
      if (this.kind === 'numeric') this.pushNumber(Number.NaN);
      else this.pushCode(-1);
      return;
    }
    if (this.kind === 'numeric') {
      const n =
        typeof cell === 'number'
          ? cell
          : typeof cell === 'string' && NUMBER.test(cell)
            ? Number(cell)
            : Number.NaN;
      if (Number.isFinite(n)) {
        const range = this.options.range;
        if (range && !(n >= range[0] && n <= range[1])) {
          throw new DataError(
            `line ${line}: column ${this.name} must hold values in [${range[0]}, ${range[1]}], got ${n}.`,
          );
        }
        this.pushNumber(n);
        return;
      }
      if (this.declared) {
        throw new DataError(
          `line ${line}: column ${this.name} is numeric but holds ${JSON.stringify(cell)}.`,
        );
      }
      this.toCategorical();
    }
    if (typeof cell === 'object') {
      throw new DataError(
        `line ${line}: column ${this.name} holds ${Array.isArray(cell) ? 'an array' : 'an object'}; only strings, numbers, booleans and null can be profiled.`,
      );
    }
    this.pushCode(this.code(typeof cell === 'string' ? cell : String(cell)));
  }

  /** The values for `buildProfile`. A column with no value at all is categorical (its missing rate is kept). */
  finish(): ColumnData {
    if (this.kind === 'numeric' && this.missing === this.length && !this.declared) this.toCategorical();
    if (this.kind === 'numeric') return { kind: 'numeric', values: this.numbers.subarray(0, this.length) };
    const values = new Array<string | null>(this.length);
    for (let i = 0; i < this.length; i++) {
      const c = this.codes[i] as number;
      values[i] = c < 0 ? null : (this.dictionary[c] as string);
    }
    return { kind: 'categorical', values };
  }

  private code(key: string): number {
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.dictionary.length;
      // A flat copy, so that a value sliced out of a large chunk of text does not keep the chunk alive.
      const flat = Buffer.from(key, 'utf8').toString('utf8');
      this.dictionary.push(flat);
      this.index.set(flat, c);
    }
    return c;
  }

  private toCategorical(): void {
    this.kind = 'categorical';
    this.codes = new Int32Array(Math.max(1024, this.numbers.length));
    for (let i = 0; i < this.length; i++) {
      const n = this.numbers[i] as number;
      this.codes[i] = Number.isNaN(n) ? -1 : this.code(String(n));
    }
    this.numbers = new Float64Array(0);
  }

  private pushNumber(n: number): void {
    if (this.length === this.numbers.length) {
      const bigger = new Float64Array(this.numbers.length * 2);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    this.numbers[this.length++] = n;
  }

  private pushCode(c: number): void {
    if (this.length === this.codes.length) {
      const bigger = new Int32Array(Math.max(1024, this.codes.length * 2));
      bigger.set(this.codes);
      this.codes = bigger;
    }
    this.codes[this.length++] = c;
  }
}

/** What the command wants from the columns of a file. */
export interface TablePlan {
  /** spellings of a missing value besides the empty field (NA, NaN, null by default) */
  na: ReadonlySet<string>;
  /** whether a column is stored at all (features, label, score) */
  keep(name: string): boolean;
  /** kind forced by a flag, overriding inference and an ARFF declaration */
  kindOf(name: string): ColumnKind | undefined;
  /** value range a column must respect (the score column) */
  rangeOf(name: string): readonly [number, number] | undefined;
}

/** The columns of a file being read, in file order; columns the plan does not keep are skipped. */
export class Table {
  readonly names: string[] = [];
  readonly columns: (Column | undefined)[] = [];
  private readonly positions = new Map<string, number>();
  rows = 0;

  constructor(private readonly plan: TablePlan) {}

  /** Adds a column (padded with missing values for the rows read before it appeared); returns its position. */
  addColumn(name: string, declared?: ColumnKind): number {
    if (this.positions.has(name)) throw new DataError(`column ${JSON.stringify(name)} appears twice.`);
    const position = this.names.length;
    this.names.push(name);
    this.positions.set(name, position);
    let column: Column | undefined;
    if (this.plan.keep(name)) {
      column = new Column(name, { kind: this.plan.kindOf(name) ?? declared, range: this.plan.rangeOf(name) });
      for (let i = 0; i < this.rows; i++) column.add(null, 0);
    }
    this.columns.push(column);
    return position;
  }

  /** Position of a column, adding it when new (JSON lines discover their columns as they go). */
  position(name: string): number {
    return this.positions.get(name) ?? this.addColumn(name);
  }

  /** Appends one row: `cells[i]` belongs to column i; absent cells are missing. */
  push(cells: readonly unknown[], line: number): void {
    const na = this.plan.na;
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i];
      if (column === undefined) continue;
      const cell = cells[i];
      column.add(typeof cell === 'string' && na.has(cell) ? null : cell, line);
    }
    this.rows++;
  }

  column(name: string): Column | undefined {
    const position = this.positions.get(name);
    return position === undefined ? undefined : this.columns[position];
  }
}
