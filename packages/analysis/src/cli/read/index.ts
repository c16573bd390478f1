import { readArff } from './arff.js';
import { Table, type TablePlan } from './columns.js';
import { readCsv } from './csv.js';
import { readJsonLines } from './jsonl.js';
import { Source } from './source.js';

export type { ColumnData, ColumnKind, TablePlan } from './columns.js';
export { Column, Table } from './columns.js';
export { DataError, ProfileUsageError } from './errors.js';

export type DataFormat = 'csv' | 'arff' | 'jsonl';
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'arff', 'jsonl'];

/** The format a file's extension names, or undefined. */
export function formatOf(path: string): DataFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'arff') return ext;
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return undefined;
}

/**
 * Streams a data file into columns. `onHeader` receives the column names once known (before the first
 * row for CSV and ARFF, after the last for JSON lines) and may throw to stop reading.
 */
export async function readTable(
  path: string,
  format: DataFormat,
  plan: TablePlan,
  onHeader: (names: string[]) => void,
  onProgress?: (bytesRead: number) => void,
): Promise<Table> {
  const source = new Source(path, onProgress);
  const table = new Table(plan);
  if (format === 'csv') await readCsv(source, table, onHeader);
  else if (format === 'arff') await readArff(source, table, onHeader);
  else await readJsonLines(source, table, onHeader);
  return table;
}
