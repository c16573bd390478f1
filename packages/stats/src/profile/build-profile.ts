import { explicitBucketIndex } from '../binning/explicit-buckets.js';
import { quantileEdgesOfSorted } from '../binning/quantile-edges.js';
import { assertEdges, assertInteger, describe } from '../internal/assert.js';
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
 * counts; the score histogram on the `ml.prediction.score` buckets; the label balance.
 *
 * Missing values are `null`, `undefined`, `NaN` and the empty string. Numeric features accept numbers
 * and numeric strings (as read from CSV); anything else throws a TypeError naming the row and column.
 *
 * @example
 * const profile = buildProfile(
 *   [{ age: 31, purpose: 'car', class: 'good' }, { age: 45, purpose: 'education', class: 'bad' }],
 *   { features: { age: 'numeric', purpose: 'categorical' }, label: 'class' },
 * );
 * profile.features.age; // { type: 'numeric', count: 2, knots: [31, …, 45], … }
 */
export function buildProfile(
  rows: Iterable<Readonly<Record<string, unknown>>>,
  schema: ProfileSchema,
): Profile {
  const settings = checkSchema(schema);
  const names = Object.keys(schema.features);
  const numeric = names.map((name) => (schema.features[name] === 'numeric' ? ([] as number[]) : null));
  const categorical = names.map((name) =>
    schema.features[name] === 'categorical' ? new Map<string, number>() : null,
  );
  const missing = new Array<number>(names.length).fill(0);
  const labels = new Map<string, number>();
  const scores: number[] = [];
  let labelMissing = 0;
  let scoreMissing = 0;
  let rowCount = 0;

  for (const row of rows) {
    if (typeof row !== 'object' || row === null) {
      throw new TypeError(`${FN}: rows[${rowCount}] must be an object, got ${describe(row)}.`);
    }
    for (let f = 0; f < names.length; f++) {
      const name = names[f] as string;
      const raw = row[name];
      if (isMissing(raw)) {
        missing[f]!++;
        continue;
      }
      const values = numeric[f];
      if (values) values.push(toNumber(raw, rowCount, name));
      else {
        const counts = categorical[f] as Map<string, number>;
        const key = toCategory(raw, rowCount, name);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    if (schema.label !== undefined) {
      const raw = row[schema.label];
      if (isMissing(raw)) labelMissing++;
      else {
        const key = toCategory(raw, rowCount, schema.label);
        labels.set(key, (labels.get(key) ?? 0) + 1);
      }
    }
    if (schema.score !== undefined) {
      const raw = row[schema.score];
      if (isMissing(raw)) scoreMissing++;
      else scores.push(toNumber(raw, rowCount, schema.score));
    }
    rowCount++;
  }
  if (rowCount === 0) throw new RangeError(`${FN}: rows must not be empty.`);

  const features: Profile['features'] = {};
  names.forEach((name, f) => {
    const values = numeric[f];
    features[name] = values
      ? numericProfile(name, values, missing[f] as number, settings)
      : categoricalProfile(
          categorical[f] as Map<string, number>,
          missing[f] as number,
          settings.maxCategories,
        );
  });

  const profile: Profile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    createdAt: settings.createdAt,
    rows: rowCount,
    quantileBoundaries: settings.quantileBoundaries,
    features,
  };
  if (schema.score !== undefined) {
    const counts = new Array<number>(settings.scoreBoundaries.length + 1).fill(0);
    for (const s of scores) counts[explicitBucketIndex(settings.scoreBoundaries, s)]!++;
    profile.score = {
      boundaries: settings.scoreBoundaries,
      shares: toShares(counts, scores.length),
      count: scores.length,
      missing: scoreMissing,
    };
  }
  if (schema.label !== undefined) {
    const labelCount = rowCount - labelMissing;
    const classes: Record<string, number> = {};
    for (const [key, count] of [...labels].sort(byCountThenName)) classes[key] = count / labelCount;
    profile.label = { classes, count: labelCount, missing: labelMissing };
  }
  return profile;
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
  values: number[],
  missing: number,
  settings: Settings,
): NumericFeatureProfile {
  const count = values.length;
  if (count === 0) {
    throw new RangeError(`${FN}: numeric feature ${name} has no values in any row; it cannot be profiled.`);
  }
  const sorted = Float64Array.from(values);
  sorted.sort();
  const knots = quantileEdgesOfSorted(sorted, settings.quantiles);
  // Empirical CDF at each knot: share of values ≤ knot (sorted walk, no search per knot).
  const cdf = new Array<number>(knots.length);
  let seen = 0;
  for (let k = 0; k < knots.length; k++) {
    const knot = knots[k] as number;
    while (seen < count && (sorted[seen] as number) <= knot) seen++;
    cdf[k] = seen / count;
  }
  let sum = 0;
  const bucketCounts = new Array<number>(settings.quantileBoundaries.length + 1).fill(0);
  for (let i = 0; i < count; i++) {
    const v = sorted[i] as number;
    sum += v;
    bucketCounts[explicitBucketIndex(settings.quantileBoundaries, quantilePosition(v, knots, cdf))]!++;
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += ((sorted[i] as number) - mean) ** 2;
  return {
    type: 'numeric',
    count,
    missing,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    mean,
    std: Math.sqrt(squares / count),
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

function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

function toNumber(value: unknown, row: number, column: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw new TypeError(
      `${FN}: rows[${row}].${column} must be a finite number or missing, got ${describe(value)}.`,
    );
  }
  return n;
}

function toCategory(value: unknown, row: number, column: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(
    `${FN}: rows[${row}].${column} must be a string, number or boolean, got ${describe(value)}.`,
  );
}
