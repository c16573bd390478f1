import type { ColumnKind, Table } from './columns.js';
import { DataError } from './errors.js';
import type { Source } from './source.js';

/**
 * Reads a Weka ARFF file into the table. The header's attribute types decide each column's kind:
 * nominal `{a, b}`, `string` and `date` are categorical, `numeric`, `real` and `integer` numeric. Data
 * rows are comma separated with optional single or double quotes (backslash escapes inside); an
 * unquoted `?` is missing; `%` starts a comment line. Sparse rows (`{0 x, 3 y}`) are not supported.
 */
export async function readArff(
  source: Source,
  table: Table,
  onHeader: (names: string[]) => void,
): Promise<void> {
  let inData = false;
  let width = 0;
  for await (const [raw, line] of source.lines()) {
    const text = raw.trim();
    if (text === '' || text.startsWith('%')) continue;
    if (!inData) {
      const keyword = /^@(\w+)/.exec(text)?.[1]?.toLowerCase();
      if (keyword === 'attribute') {
        const [name, kind] = parseAttribute(text.slice('@attribute'.length), line);
        table.addColumn(name, kind);
      } else if (keyword === 'data') {
        if (table.names.length === 0) throw new DataError(`line ${line}: @data comes before any @attribute.`);
        inData = true;
        width = table.names.length;
        onHeader(table.names);
      } else if (keyword !== 'relation') {
        throw new DataError(
          `line ${line}: expected @relation, @attribute or @data, found ${JSON.stringify(text)}.`,
        );
      }
      continue;
    }
    if (text.startsWith('{')) throw new DataError(`line ${line}: sparse ARFF rows are not supported.`);
    const cells = splitRow(text, line);
    if (cells.length !== width) {
      throw new DataError(
        `line ${line}: found ${cells.length} values, but the header declares ${width} attributes.`,
      );
    }
    table.push(cells, line);
  }
  if (!inData) throw new DataError('no @data section found; is this an ARFF file?');
}

function parseAttribute(rest: string, line: number): [string, ColumnKind] {
  const body = rest.trim();
  let name: string;
  let type: string;
  const quote = body[0];
  if (quote === "'" || quote === '"') {
    const close = body.indexOf(quote, 1);
    if (close === -1) throw new DataError(`line ${line}: the attribute name's quote is never closed.`);
    name = body.slice(1, close);
    type = body.slice(close + 1).trim();
  } else {
    const match = /^(\S+)\s+(.*)$/.exec(body);
    if (!match) throw new DataError(`line ${line}: @attribute needs a name and a type.`);
    name = match[1] as string;
    type = (match[2] as string).trim();
  }
  if (type.startsWith('{')) return [name, 'categorical'];
  const word = type.split(/\s+/)[0]?.toLowerCase();
  if (word === 'numeric' || word === 'real' || word === 'integer') return [name, 'numeric'];
  if (word === 'string' || word === 'date') return [name, 'categorical'];
  throw new DataError(
    `line ${line}: attribute ${name} has type ${JSON.stringify(type)}, which is not supported.`,
  );
}

/** Splits one data row; quoted values keep their text, an unquoted `?` becomes null (missing). */
function splitRow(text: string, line: number): (string | null)[] {
  const cells: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new DataError(`line ${line}: a quoted value is never closed.`);
        const c = text[i] as string;
        if (c === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (c === quote) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      cells.push(value);
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      if (i < n && text[i] !== ',') {
        throw new DataError(
          `line ${line}: a quoted value is followed by ${JSON.stringify(text[i])} instead of a comma.`,
        );
      }
    } else {
      let end = text.indexOf(',', i);
      if (end === -1) end = n;
      const value = text.slice(i, end).trim();
      cells.push(value === '?' ? null : value);
      i = end;
    }
    if (i >= n) return cells;
    i++; // the comma
  }
}
