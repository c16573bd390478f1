import type { Table } from './columns.js';
import { DataError } from './errors.js';
import type { Source } from './source.js';

/**
 * Reads JSON lines (one object per line; blank lines skipped) into the table. Columns are the union of
 * the keys seen, in order of first appearance; a key absent from a row is a missing value there. The
 * column names are only known at the end, so `onHeader` is called after the last row.
 */
export async function readJsonLines(
  source: Source,
  table: Table,
  onHeader: (names: string[]) => void,
): Promise<void> {
  const cells: unknown[] = [];
  for await (const [text, line] of source.lines()) {
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new DataError(`line ${line}: not valid JSON (${(error as Error).message}).`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new DataError(
        `line ${line}: expected a JSON object, got ${Array.isArray(record) ? 'an array' : JSON.stringify(record)}.`,
      );
    }
    cells.length = 0;
    for (const [key, value] of Object.entries(record)) cells[table.position(key)] = value;
    table.push(cells, line);
  }
  if (table.rows === 0) throw new DataError('the file holds no JSON objects.');
  onHeader(table.names);
}
