import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** credit_data.csv columns (R modeldata): the numeric ones, the categorical ones. */
export const CREDIT_NUMERIC = [
  'Seniority',
  'Time',
  'Age',
  'Expenses',
  'Income',
  'Assets',
  'Debt',
  'Amount',
  'Price',
];
export const CREDIT_CATEGORICAL = ['Home', 'Marital', 'Records', 'Job'];
export type Row = Record<string, string | number | null>;

/** credit_data.csv from examples/data: quoted strings, NA for missing (no field contains a comma). */
export function creditData(): Row[] {
  const file = join(import.meta.dirname, '..', '..', '..', 'examples', 'data', 'credit_data.csv');
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header as string).split(',').map((h) => h.replaceAll('"', ''));
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(
      names.map((name, i) => {
        const raw = (values[i] as string).replaceAll('"', '');
        return [name, raw === 'NA' ? null : CREDIT_NUMERIC.includes(name) ? Number(raw) : raw];
      }),
    );
  });
}

/**
 * NannyML's California housing reference period, read in place (never copied): from the folder named by
 * MODELPULSE_DATASETS, else from ../shared/datasets beside the repository.
 */
export const NANNYML_REFERENCE = join(
  process.env.MODELPULSE_DATASETS ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets'),
  'nannyml-california',
  'california_housing_reference.csv',
);
export const nannymlAvailable = existsSync(NANNYML_REFERENCE);

/** The named columns of the NannyML reference file, as text, row by row. */
export function nannymlReference(columns: readonly string[]): string[][] {
  const [header, ...lines] = readFileSync(NANNYML_REFERENCE, 'utf8').trim().split('\n');
  const names = (header as string).split(',');
  const indices = columns.map((c) => names.indexOf(c));
  return lines.map((line) => {
    const values = line.split(',');
    return indices.map((i) => values[i] as string);
  });
}
