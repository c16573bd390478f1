import { describe } from '../internal/assert.js';
import { PROFILE_FORMAT, PROFILE_VERSION, type Profile } from './types.js';

const FN = 'validateProfile';
/** Shares are sums of floats; allow this much slack on "sums to 1". */
const SUM_TOLERANCE = 1e-6;

/**
 * Checks that `json` (parsed from a profile file or an upload) is a well-formed {@link Profile} and
 * returns it typed. Throws a TypeError or RangeError whose message names the path of the first bad
 * field, e.g. `validateProfile: features.age.knots[3] must be greater than knots[2] (5), got 2.`
 *
 * @example
 * const built = buildProfile([{ age: 31 }, { age: 45 }], { features: { age: 'numeric' } });
 * validateProfile(JSON.parse(JSON.stringify(built))).rows; // 2
 */
export function validateProfile(json: unknown): Profile {
  const root = object(json, 'profile');
  if (root.format !== PROFILE_FORMAT) {
    fail(TypeError, 'format', `must be ${JSON.stringify(PROFILE_FORMAT)}`, root.format);
  }
  if (root.version !== PROFILE_VERSION) {
    fail(
      RangeError,
      'version',
      `must be ${PROFILE_VERSION} (this library reads version ${PROFILE_VERSION})`,
      root.version,
    );
  }
  if (typeof root.createdAt !== 'string' || Number.isNaN(Date.parse(root.createdAt))) {
    fail(TypeError, 'createdAt', 'must be an ISO 8601 date string', root.createdAt);
  }
  count(root.rows, 'rows');
  const quantileBoundaries = increasing(root.quantileBoundaries, 'quantileBoundaries', 1);
  const features = object(root.features, 'features');
  for (const [name, value] of Object.entries(features)) {
    const path = `features.${name}`;
    const feature = object(value, path);
    count(feature.count, `${path}.count`);
    count(feature.missing, `${path}.missing`);
    if (feature.type === 'numeric') {
      for (const key of ['min', 'max', 'mean', 'std'] as const) finite(feature[key], `${path}.${key}`);
      const knots = increasing(feature.knots, `${path}.knots`, 1);
      const cdf = numbers(feature.cdf, `${path}.cdf`);
      if (cdf.length !== knots.length) {
        fail(RangeError, `${path}.cdf`, `must have one entry per knot (${knots.length})`, cdf);
      }
      cdf.forEach((c, i) => {
        if (!(c > 0 && c <= 1) || (i > 0 && c < (cdf[i - 1] as number))) {
          fail(RangeError, `${path}.cdf[${i}]`, 'must be in (0, 1] and not below the previous entry', c);
        }
      });
      if (cdf[cdf.length - 1] !== 1) fail(RangeError, `${path}.cdf`, 'must end at 1', cdf[cdf.length - 1]);
      shares(feature.shares, `${path}.shares`, quantileBoundaries.length + 1);
    } else if (feature.type === 'categorical') {
      const categories = object(feature.categories, `${path}.categories`);
      shares(Object.values(categories), `${path}.categories`, undefined, Object.keys(categories));
    } else {
      fail(TypeError, `${path}.type`, "must be 'numeric' or 'categorical'", feature.type);
    }
  }
  if (root.score !== undefined) {
    const score = object(root.score, 'score');
    const boundaries = increasing(score.boundaries, 'score.boundaries', 1);
    shares(score.shares, 'score.shares', boundaries.length + 1);
    count(score.count, 'score.count');
    count(score.missing, 'score.missing');
  }
  let classes: Record<string, unknown> | undefined;
  if (root.label !== undefined) {
    const label = object(root.label, 'label');
    classes = object(label.classes, 'label.classes');
    shares(Object.values(classes), 'label.classes', undefined, Object.keys(classes));
    count(label.count, 'label.count');
    count(label.missing, 'label.missing');
  }
  if (root.score !== undefined) {
    const score = root.score as Record<string, unknown>;
    if (score.byLabel !== undefined) byLabel(score, classes);
  }
  return json as Profile;
}

/**
 * `score.byLabel`: per label class, whole counts per score bucket; the classes are the label's (when the
 * profile has one), and no bucket holds more labelled rows than the score histogram has rows there.
 */
function byLabel(score: Record<string, unknown>, classes: Record<string, unknown> | undefined): void {
  const table = object(score.byLabel, 'score.byLabel');
  const shares = score.shares as number[];
  const total = score.count as number;
  const sums = new Array<number>(shares.length).fill(0);
  for (const [key, value] of Object.entries(table)) {
    const path = `score.byLabel.${key}`;
    if (classes !== undefined && !(key in classes)) {
      fail(RangeError, path, `must name a class of label.classes (${Object.keys(classes).join(', ')})`, key);
    }
    const counts = numbers(value, path);
    if (counts.length !== shares.length) {
      fail(RangeError, path, `must have ${shares.length} entries (one per score bucket)`, counts);
    }
    counts.forEach((c, i) => {
      count(c, `${path}[${i}]`);
      sums[i] = (sums[i] as number) + c;
    });
  }
  sums.forEach((sum, i) => {
    const rows = Math.round((shares[i] as number) * total);
    if (sum > rows) {
      fail(
        RangeError,
        `score.byLabel`,
        `must not count more rows in bucket ${i} than the score histogram has there (${rows})`,
        sum,
      );
    }
  });
}

type ErrorClass = typeof TypeError | typeof RangeError;

function fail(kind: ErrorClass, path: string, rule: string, got: unknown): never {
  throw new kind(`${FN}: ${path} ${rule}, got ${describe(got)}.`);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(TypeError, path, 'must be an object', value);
  return value as Record<string, unknown>;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(TypeError, path, 'must be a finite number', value);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(TypeError, path, 'must be a whole number ≥ 0', value);
  }
  return value;
}

function numbers(value: unknown, path: string): number[] {
  if (!Array.isArray(value)) fail(TypeError, path, 'must be an array of numbers', value);
  value.forEach((v, i) => {
    finite(v, `${path}[${i}]`);
  });
  return value as number[];
}

function increasing(value: unknown, path: string, min: number): number[] {
  const list = numbers(value, path);
  if (list.length < min) fail(RangeError, path, `must hold at least ${min} value(s)`, list);
  for (let i = 1; i < list.length; i++) {
    if ((list[i] as number) <= (list[i - 1] as number)) {
      fail(RangeError, `${path}[${i}]`, `must be greater than the previous entry (${list[i - 1]})`, list[i]);
    }
  }
  return list;
}

function shares(value: unknown, path: string, length?: number, keys?: string[]): void {
  const list = numbers(value, path);
  if (length !== undefined && list.length !== length) {
    fail(RangeError, path, `must have ${length} entries (one per bucket)`, list);
  }
  let sum = 0;
  list.forEach((v, i) => {
    if (v < 0 || v > 1)
      fail(RangeError, keys ? `${path}.${keys[i]}` : `${path}[${i}]`, 'must be a share in [0, 1]', v);
    sum += v;
  });
  if (list.length > 0 && Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new RangeError(`${FN}: ${path} must sum to 1, got a sum of ${sum}.`);
  }
}
