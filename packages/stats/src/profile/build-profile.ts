import { explicitBucketIndex } from '../binning/explicit-buckets.js';
import { quantileEdgesOfSorted } from '../binning/quantile-edges.js';
import { assertEdges, assertInteger, describe } from '../internal/assert.js';
import {
  type Collected,
  type ColumnKind,
  collect,
  isMissing,
  type ProfileInput,
  parseDecimal,
} from './collect.js';
import { quantilePosition } from './quantile-position.js';
import {
  type CategoricalFeatureProfile,
  type NumericFeatureProfile,
  OTHER_CATEGORY,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type Profile,
  type ProfileSchema,
  UNIT_BOUNDARIES,
} from './types.js';

const FN = 'buildProfile(rows, schema)';

/**
 * Builds the baseline profile of training data (see {@link Profile}): for each numeric feature its
 * quantile knots and the expected share of every `ml.feature.quantile` bucket; for each categorical
 * feature the shares of its most frequent categories (the rest folded into `__other__`); missing
 * counts; the score histogram on the `ml.prediction.score` buckets; the label balance; with both a score
 * and a label column, the rows of each label class per score bucket (`score.byLabel`, what calibrates
 * the scores before performance is estimated from them).
 *
 * `rows` is an iterable of row objects, or `{ columns }` with one array per column (a Float64Array per
 * numeric column is the fast path for millions of rows). Missing values are `null`, `undefined`, `NaN` and
 * the empty string. Numeric features accept finite numbers and numeric strings (as read from CSV);
 * anything else throws a TypeError naming the row and column.
 *
 * @example
 * const profile = buildProfile(
 *   [{ age: 31, purpose: 'car', class: 'good' }, { age: 45, purpose: 'education', class: 'bad' }],
 *   { features: { age: 'numeric', purpose: 'categorical' }, label: 'class' },
 * );
 * profile.features.age; // { type: 'numeric', count: 2, knots: [31, …, 45], … }
 * const scored = buildProfile(
 *   [{ s: 0.2, y: 'no' }, { s: 0.3, y: 'yes' }, { s: 0.9, y: 'yes' }],
 *   { features: {}, label: 'y', score: 's', scoreBoundaries: [0, 0.5, 1] },
 * );
 * scored.score.byLabel; // { yes: [0, 1, 1, 0], no: [0, 1, 0, 0] }
 */
export function buildProfile(rows: ProfileInput, schema: ProfileSchema): Profile {
  const settings = checkSchema(schema);
  const wanted = new Map<string, ColumnKind>(Object.entries(schema.features));
  if (schema.label !== undefined) wanted.set(schema.label, 'categorical');
  if (schema.score !== undefined) wanted.set(schema.score, 'numeric');
  // The score-by-label table needs each row's score and label together; collect() keeps neither order
  // nor pairing, so the two raw columns are read on the side (in the same pass for one-shot iterables).
  const paired =
    schema.score !== undefined && schema.label !== undefined
      ? pairColumns(rows, schema.score, schema.label)
      : undefined;
  const data = collect(FN, paired?.input ?? rows, wanted);
  if (data.rows === 0) throw new RangeError(`${FN}: rows must not be empty.`);

  const features: Profile['features'] = {};
  for (const name of Object.keys(schema.features)) {
    const column = data.columns.get(name) as Collected;
    features[name] =
      column.kind === 'numeric'
        ? numericProfile(name, column.values, column.missing, settings)
        : categoricalProfile(column.counts, column.missing, settings.maxCategories);
  }
  const profile: Profile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    createdAt: settings.createdAt,
    rows: data.rows,
    quantileBoundaries: settings.quantileBoundaries,
    features,
  };
  const score = schema.score === undefined ? undefined : data.columns.get(schema.score);
  if (score?.kind === 'numeric') {
    const counts = new Array<number>(settings.scoreBoundaries.length + 1).fill(0);
    for (const s of score.values) counts[explicitBucketIndex(settings.scoreBoundaries, s)]!++;
    profile.score = {
      boundaries: settings.scoreBoundaries,
      shares: toShares(counts, score.values.length),
      count: score.values.length,
      missing: score.missing,
    };
    if (paired) profile.score.byLabel = scoreByLabel(paired.pairs(), settings.scoreBoundaries);
  }
  const label = schema.label === undefined ? undefined : data.columns.get(schema.label);
  if (label?.kind === 'categorical') {
    const count = data.rows - label.missing;
    const classes: Record<string, number> = {};
    for (const [key, n] of [...label.counts].sort(byCountThenName)) classes[key] = n / count;
    profile.label = { classes, count, missing: label.missing };
  }
  return profile;
}

/** Raw (score, label) of every row, read beside collect(); values were validated by collect() already. */
function pairColumns(
  rows: ProfileInput,
  score: string,
  label: string,
): { input: ProfileInput; pairs: () => Iterable<[unknown, unknown]> } {
  if ('columns' in rows && !(Symbol.iterator in rows)) {
    const columns = rows.columns;
    return {
      input: rows,
      *pairs() {
        const s = columns[score] as ArrayLike<unknown>;
        const l = columns[label] as ArrayLike<unknown>;
        for (let i = 0; i < s.length; i++) yield [s[i], l[i]];
      },
    };
  }
  const iterable = rows as Iterable<Readonly<Record<string, unknown>>>;
  if (Array.isArray(iterable)) {
    return {
      input: rows,
      *pairs() {
        for (const row of iterable as Readonly<Record<string, unknown>>[]) yield [row[score], row[label]];
      },
    };
  }
  // A one-shot iterable (a generator, a stream reader): record the two values as collect() reads the rows.
  const scores: unknown[] = [];
  const labels: unknown[] = [];
  const tap = function* () {
    for (const row of iterable) {
      if (typeof row === 'object' && row !== null) {
        scores.push(row[score]);
        labels.push(row[label]);
      }
      yield row;
    }
  };
  return {
    input: tap(),
    *pairs() {
      for (let i = 0; i < scores.length; i++) yield [scores[i], labels[i]];
    },
  };
}

/** Rows per score bucket for each label class, over the rows that have both. */
function scoreByLabel(
  pairs: Iterable<[unknown, unknown]>,
  boundaries: readonly number[],
): Record<string, number[]> {
  const table = new Map<string, number[]>();
  for (const [rawScore, rawLabel] of pairs) {
    if (isMissing(rawScore) || isMissing(rawLabel)) continue;
    const s = typeof rawScore === 'number' ? rawScore : parseDecimal(String(rawScore));
    const key = typeof rawLabel === 'string' ? rawLabel : String(rawLabel);
    let counts = table.get(key);
    if (!counts) {
      counts = new Array<number>(boundaries.length + 1).fill(0);
      table.set(key, counts);
    }
    counts[explicitBucketIndex(boundaries, s)]!++;
  }
  const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const out: Record<string, number[]> = {};
  for (const [key, counts] of [...table].sort((a, b) =>
    byCountThenName([a[0], total(a[1])], [b[0], total(b[1])]),
  ))
    out[key] = counts;
  return out;
}

interface Settings {
  quantiles: number;
  maxCategories: number;
  quantileBoundaries: number[];
  scoreBoundaries: number[];
  createdAt: string;
}

function checkSchema(schema: ProfileSchema): Settings {
  if (typeof schema !== 'object' || schema === null) {
    throw new TypeError(`${FN}: schema must be an object, got ${describe(schema)}.`);
  }
  if (typeof schema.features !== 'object' || schema.features === null) {
    throw new TypeError(
      `${FN}: schema.features must be an object of feature name → 'numeric' | 'categorical'.`,
    );
  }
  for (const [name, kind] of Object.entries(schema.features)) {
    if (kind !== 'numeric' && kind !== 'categorical') {
      throw new TypeError(
        `${FN}: schema.features.${name} must be 'numeric' or 'categorical', got ${describe(kind)}.`,
      );
    }
  }
  for (const key of ['label', 'score'] as const) {
    const column = schema[key];
    if (column !== undefined && typeof column !== 'string') {
      throw new TypeError(`${FN}: schema.${key} must be a column name, got ${describe(column)}.`);
    }
  }
  const { quantiles = 100, maxCategories = 50 } = schema;
  assertInteger(FN, 'schema.quantiles', quantiles, 1);
  assertInteger(FN, 'schema.maxCategories', maxCategories, 1);
  const quantileBoundaries = [...(schema.quantileBoundaries ?? UNIT_BOUNDARIES)];
  const scoreBoundaries = [...(schema.scoreBoundaries ?? UNIT_BOUNDARIES)];
  assertEdges(FN, 'schema.quantileBoundaries', quantileBoundaries, 1);
  assertEdges(FN, 'schema.scoreBoundaries', scoreBoundaries, 1);
  const created = schema.createdAt === undefined ? new Date() : new Date(schema.createdAt);
  if (Number.isNaN(created.getTime())) {
    throw new RangeError(`${FN}: schema.createdAt must be a date, got ${describe(schema.createdAt)}.`);
  }
  return { quantiles, maxCategories, quantileBoundaries, scoreBoundaries, createdAt: created.toISOString() };
}

function numericProfile(
  name: string,
  sorted: Float64Array,
  missing: number,
  settings: Settings,
): NumericFeatureProfile {
  const count = sorted.length;
  if (count === 0) {
    throw new RangeError(`${FN}: numeric feature ${name} has no values in any row; it cannot be profiled.`);
  }
  const knots = quantileEdgesOfSorted(sorted, settings.quantiles);
  // Empirical CDF at each knot: share of values ≤ knot (one walk over the sorted values).
  const cdf = new Array<number>(knots.length);
  let seen = 0;
  for (let k = 0; k < knots.length; k++) {
    const knot = knots[k] as number;
    while (seen < count && (sorted[seen] as number) <= knot) seen++;
    cdf[k] = seen / count;
  }
  // The transform is monotone, so sorted values reach the buckets in order: bucket them in one walk
  // instead of two binary searches per value.
  const boundaries = settings.quantileBoundaries;
  const bucketCounts = new Array<number>(boundaries.length + 1).fill(0);
  let bucket = 0;
  // Summed over a power of two near the largest magnitude (exact, the same bits for ordinary values),
  // so values near the largest double do not overflow the sum.
  const largest = Math.max(Math.abs(sorted[0] as number), Math.abs(sorted[count - 1] as number));
  const scale = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = sorted[i] as number;
    sum += v / scale;
    const t = quantilePosition(v, knots, cdf);
    while (bucket < boundaries.length && t > (boundaries[bucket] as number)) bucket++;
    bucketCounts[bucket]!++;
  }
  const scaledMean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += ((sorted[i] as number) / scale - scaledMean) ** 2;
  const mean = scaledMean * scale;
  return {
    type: 'numeric',
    count,
    missing,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    mean,
    std: Math.sqrt(squares / count) * scale,
    knots,
    cdf,
    shares: toShares(bucketCounts, count),
  };
}

function categoricalProfile(
  counts: Map<string, number>,
  missing: number,
  maxCategories: number,
): CategoricalFeatureProfile {
  const sorted = [...counts].sort(byCountThenName);
  let count = 0;
  for (const [, c] of sorted) count += c;
  const categories: Record<string, number> = {};
  let other = 0;
  sorted.forEach(([key, c], i) => {
    if (i < maxCategories && key !== OTHER_CATEGORY) categories[key] = c / count;
    else other += c;
  });
  if (other > 0) categories[OTHER_CATEGORY] = other / count;
  return { type: 'categorical', count, missing, categories };
}

function toShares(counts: number[], total: number): number[] {
  return counts.map((c) => (total > 0 ? c / total : 0));
}

function byCountThenName(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}
