import { float64Doubles } from './blob.js';

/**
 * The `buckets` rows of one group (a time bucket, a series) concatenated by SQLite into one row: counts and
 * sums as comma-separated text (see {@link exactText}), every row's bucket counts in one BLOB with their
 * byte lengths (−1: none). better-sqlite3 makes a Buffer for each BLOB it returns, which cost about three
 * times the rest of a row read; this way there is one per group. The aggregates of one SELECT step through
 * the rows in the same order, so the lists line up.
 */
export interface ConcatenatedBuckets {
  counts: string;
  sums: string;
  widths: string;
  doubles: Buffer | null;
}

/**
 * A REAL column as text that reads back as the same double: a whole number within the 64-bit INTEGER range
 * as an integer (exact, and formatted several times faster), any other value by `quote`, which renders it
 * with as many digits as it needs. Counts are always whole, and so are most sums (every counter's).
 */
const exactText = (column: string) =>
  `CASE WHEN ${column} = CAST(${column} AS INTEGER) THEN CAST(${column} AS INTEGER) ELSE quote(${column}) END`;

/** The select list of {@link ConcatenatedBuckets}, over the `buckets` table named `b`. */
export const CONCATENATED_BUCKETS = `group_concat(${exactText('b.count')}) AS counts,
  group_concat(${exactText('b.sum')}) AS sums,
  group_concat(coalesce(length(b.counts), -1)) AS widths,
  CAST(group_concat(coalesce(b.counts, x''), '') AS BLOB) AS doubles`;

const NO_DOUBLES = new Float64Array(0);

/** A comma-separated list of numbers as group_concat gives it. */
export function numbers(list: string): number[] {
  return JSON.parse(`[${list}]`) as number[];
}

/** What a row's bucket counts are: `doubles[from … from + width)`, or none when width is −1. */
export type EachBucket = (
  count: number,
  sum: number,
  doubles: Float64Array,
  from: number,
  width: number,
) => void;

/** Calls `each` for every row of the group, in order. */
export function forEachBucket(group: ConcatenatedBuckets, each: EachBucket): void {
  const counts = numbers(group.counts);
  const sums = numbers(group.sums);
  const widths = numbers(group.widths);
  const doubles = group.doubles === null ? NO_DOUBLES : float64Doubles(group.doubles);
  let from = 0;
  for (let i = 0; i < counts.length; i++) {
    const width = (widths[i] as number) >> 3;
    each(counts[i] as number, sums[i] as number, doubles, from, width);
    if (width > 0) from += width;
  }
}
