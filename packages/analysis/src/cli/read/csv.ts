import type { Table } from './columns.js';
import { DataError } from './errors.js';
import type { Source } from './source.js';

const QUOTE = 34; // "
const COMMA = 44;
const CR = 13;
const LF = 10;

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** a quote seen inside a quoted field: either the closing quote or the first of a doubled one */
const QUOTE_IN_QUOTED = 3;

/**
 * An incremental RFC 4180 parser: quoted fields may hold commas, doubled quotes and line breaks; records
 * end with LF or CRLF. Text is fed in chunks of any size; each record is handed over with the line it
 * starts on (1-based). Fully empty lines are skipped.
 */
export class CsvParser {
  private state: number = FIELD_START;
  private fields: string[] = [];
  private partial = '';
  private line = 1;
  private recordLine = 1;
  private first = true;

  constructor(private readonly onRecord: (fields: string[], line: number) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    let state = this.state;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (state === FIELD_START) {
        if (c === QUOTE) {
          state = QUOTED;
          start = i + 1;
          continue;
        }
        start = i; // the character opens an unquoted field
        state = UNQUOTED;
      }
      if (state === UNQUOTED) {
        if (c === COMMA) {
          this.fields.push(this.partial + text.slice(start, i));
          this.partial = '';
          state = FIELD_START;
        } else if (c === LF) {
          let value = this.partial + text.slice(start, i);
          if (value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
          this.partial = '';
          this.fields.push(value);
          this.endRecord();
          state = FIELD_START;
        }
      } else if (state === QUOTED) {
        if (c === QUOTE) {
          this.partial += text.slice(start, i);
          state = QUOTE_IN_QUOTED;
        } else if (c === LF) this.line++;
      } else if (c === QUOTE) {
        // QUOTE_IN_QUOTED: a doubled quote stands for one
        this.partial += '"';
        start = i + 1;
        state = QUOTED;
      } else if (c === COMMA) {
        this.fields.push(this.partial);
        this.partial = '';
        state = FIELD_START;
      } else if (c === LF) {
        this.fields.push(this.partial);
        this.partial = '';
        this.endRecord();
        state = FIELD_START;
      } else if (c !== CR) {
        throw new DataError(
          `line ${this.line}: a quoted field is followed by ${JSON.stringify(text[i])} instead of a comma or the end of the line.`,
        );
      }
    }
    if (state === UNQUOTED || state === QUOTED) this.partial += text.slice(start);
    this.state = state;
  }

  /** Flushes the last record when the text does not end with a line break. */
  end(): void {
    if (this.state === QUOTED) {
      throw new DataError(`line ${this.recordLine}: a quoted field is never closed.`);
    }
    if (this.state === UNQUOTED || this.state === QUOTE_IN_QUOTED || this.fields.length > 0) {
      let value = this.partial;
      if (this.state === UNQUOTED && value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
      this.fields.push(value);
      this.partial = '';
      this.endRecord();
    }
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    const line = this.recordLine;
    this.line++;
    this.recordLine = this.line;
    if (fields.length === 1 && fields[0] === '') return; // blank line
    this.onRecord(fields, line);
  }
}

/** Reads a CSV file with a header row into the table; `onHeader` sees the column names before any row. */
export async function readCsv(
  source: Source,
  table: Table,
  onHeader: (names: string[]) => void,
): Promise<void> {
  let width = -1;
  const parser = new CsvParser((fields, line) => {
    if (width === -1) {
      for (const name of fields) table.addColumn(name);
      width = fields.length;
      onHeader(table.names);
      return;
    }
    if (fields.length !== width) {
      throw new DataError(
        `line ${line}: found ${fields.length} fields, but the header has ${width} columns.`,
      );
    }
    table.push(fields, line);
  });
  for await (const chunk of source.text()) parser.push(chunk);
  parser.end();
  if (width === -1) throw new DataError('the file is empty; a CSV file needs a header row.');
}
