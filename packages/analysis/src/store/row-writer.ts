import type Database from 'better-sqlite3';

/** Rows per statement: few enough for SQLite's variable limit, many enough to amortise a statement step. */
const MAX_ROWS = 100;

/**
 * Writes rows of one INSERT in multi-row statements (`VALUES (…),(…),…`), one statement per MAX_ROWS
 * rows instead of one per row; statements are prepared once per row count. Rows are bound when flushed:
 * blobs must stay unchanged until then (SQLite copies them when bound).
 */
export class RowWriter {
  readonly #db: Database.Database;
  readonly #head: string;
  readonly #tuple: string;
  readonly #tail: string;
  readonly #width: number;
  readonly #statements = new Map<number, Database.Statement<unknown[]>>();
  #params: unknown[] = [];

  /** `head` up to VALUES, `tail` after the tuples (e.g. an ON CONFLICT clause), `width` columns a row. */
  constructor(db: Database.Database, head: string, width: number, tail: string) {
    this.#db = db;
    this.#head = head;
    this.#width = width;
    this.#tuple = `(${new Array<string>(width).fill('?').join(',')})`;
    this.#tail = tail;
  }

  add(...values: unknown[]): void {
    const params = this.#params;
    for (const v of values) params.push(v);
    if (params.length >= MAX_ROWS * this.#width) this.flush();
  }

  flush(): void {
    const params = this.#params;
    const rows = params.length / this.#width;
    if (rows === 0) return;
    this.#params = []; // emptied even when the statement throws
    this.#statement(rows).run(params);
  }

  /** Drops queued rows (after a failed transaction). */
  discard(): void {
    this.#params = [];
  }

  #statement(rows: number): Database.Statement<unknown[]> {
    let statement = this.#statements.get(rows);
    if (!statement) {
      const tuples = new Array<string>(rows).fill(this.#tuple).join(',');
      statement = this.#db.prepare<unknown[]>(`${this.#head} VALUES ${tuples} ${this.#tail}`);
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
