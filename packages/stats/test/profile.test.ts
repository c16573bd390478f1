import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  type NumericFeatureProfile,
  OTHER_CATEGORY,
  type Profile,
  type ProfileSchema,
  quantilePosition,
  UNIT_BOUNDARIES,
  validateProfile,
} from '../src/index.js';
import { loadVectors } from './vectors.js';

interface ProfileCase {
  label: string;
  schema: ProfileSchema;
  rows: Record<string, unknown>[];
  expected: Pick<Profile, 'rows' | 'features' | 'label' | 'score'>;
}

const cases = loadVectors<ProfileCase>('profile');
const CREATED = '2026-01-01T00:00:00.000Z';

function expectNumbersClose(actual: number[], expected: number[], tolerance = 1e-12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(a)));
  });
}

describe('buildProfile on real credit data, against numpy / scipy / scikit-learn', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const profile = buildProfile(c.rows, { ...c.schema, createdAt: CREATED });
    expect(profile.rows).toBe(c.expected.rows);
    expect(Object.keys(profile.features)).toEqual(Object.keys(c.expected.features));
    for (const [name, expected] of Object.entries(c.expected.features)) {
      const actual = profile.features[name];
      expect(actual?.type).toBe(expected.type);
      expect(actual?.count).toBe(expected.count);
      expect(actual?.missing).toBe(expected.missing);
      if (expected.type === 'numeric') {
        const a = actual as NumericFeatureProfile;
        expectNumbersClose(
          [a.min, a.max, a.mean, a.std],
          [expected.min, expected.max, expected.mean, expected.std],
        );
        expectNumbersClose(a.knots, expected.knots);
        expectNumbersClose(a.cdf, expected.cdf);
        expectNumbersClose(a.shares, expected.shares);
      } else {
        expect(actual).toEqual(expected);
      }
    }
    expect(profile.label).toEqual(c.expected.label);
    if (c.expected.score) {
      expect(profile.score?.boundaries).toEqual(c.expected.score.boundaries);
      expectNumbersClose(profile.score?.shares ?? [], c.expected.score.shares);
      expect(profile.score?.byLabel).toEqual(c.expected.score.byLabel);
    }
    expect(validateProfile(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
  });

  it('gives a discrete feature its real, non-uniform bucket shares', () => {
    const germanCredit = cases[0] as ProfileCase;
    const profile = buildProfile(germanCredit.rows, { ...germanCredit.schema, createdAt: CREATED });
    const dependents = profile.features.num_dependents as NumericFeatureProfile;
    // num_dependents is 1 for 845 applicants and 2 for 155 (UCI documentation of the Statlog data).
    expect(dependents.knots).toEqual([1, 2]);
    expect(dependents.cdf).toEqual([0.845, 1]);
    expect(dependents.shares.filter((s) => s > 0)).toEqual([0.845, 0.155]);
  });
});

describe('columnar input', () => {
  it('gives the same profile from columns as from rows, with Float64Array NaN as missing', () => {
    const c = cases[1] as ProfileCase;
    const names = [...Object.keys(c.schema.features), c.schema.label as string];
    const columns = Object.fromEntries(
      names.map((name) => {
        const values = c.rows.map((row) => row[name]);
        return [
          name,
          c.schema.features[name] === 'numeric'
            ? Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number)))
            : values,
        ];
      }),
    );
    const schema = { ...c.schema, createdAt: CREATED };
    expect(buildProfile({ columns }, schema)).toEqual(buildProfile(c.rows, schema));
  });

  it('rejects columns of different lengths and infinite values, naming them', () => {
    const schema = { features: { a: 'numeric', b: 'numeric' } } as const;
    expect(() => buildProfile({ columns: { a: [1, 2], b: [1] } }, schema)).toThrow(
      /rows\.columns\.b has 1 values, but rows\.columns\.a has 2/,
    );
    expect(() =>
      buildProfile({ columns: { a: new Float64Array([1, Number.POSITIVE_INFINITY]), b: [1, 2] } }, schema),
    ).toThrow(/rows\[1\]\.a must be a finite number or missing, got Infinity/);
    expect(() => buildProfile({ columns: { a: [1, 2] } }, schema)).toThrow(
      /rows\.columns\.b must be an array, got undefined/,
    );
    expect(() => buildProfile(42 as unknown as [], schema)).toThrow(
      /rows must be an iterable of row objects or \{ columns \}/,
    );
  });
});

describe('quantilePosition', () => {
  const knots = [0, 10, 20];
  const cdf = [0.25, 0.5, 1];
  it('maps the training range into (0, 1] and outside values beyond it', () => {
    expect(quantilePosition(0, knots, cdf)).toBe(0.25);
    expect(quantilePosition(5, knots, cdf)).toBe(0.375);
    expect(quantilePosition(20, knots, cdf)).toBe(1);
    expect(quantilePosition(-10, knots, cdf)).toBe(0); // OTel SDKs drop negative histogram values
    expect(quantilePosition(60, knots, cdf)).toBe(3);
    // A value ×100 (seconds sent as centiseconds) lands far in the overflow bucket.
    expect(quantilePosition(15 * 100, knots, cdf)).toBeGreaterThan(1);
  });

  it('refuses NaN, which would otherwise land in the middle of the distribution', () => {
    expect(() => quantilePosition(Number.NaN, knots, cdf)).toThrow(
      'quantilePosition(value, knots, cdf): value must be a number, got NaN.',
    );
  });
});

describe('categorical folding and missing values', () => {
  it('keeps the most frequent categories and folds the rest into __other__', () => {
    const rows = [...'aaaaabbbccd'].map((purpose) => ({ purpose }));
    const profile = buildProfile(rows, {
      features: { purpose: 'categorical' },
      maxCategories: 2,
      createdAt: CREATED,
    });
    expect(profile.features.purpose).toEqual({
      type: 'categorical',
      count: 11,
      missing: 0,
      categories: { a: 5 / 11, b: 3 / 11, [OTHER_CATEGORY]: 3 / 11 },
    });
  });

  it('counts null, undefined, NaN and empty strings as missing, and reads numeric strings', () => {
    const rows = [{ x: '1.5' }, { x: null }, { x: undefined }, { x: Number.NaN }, { x: '' }, { x: 3 }, {}];
    const x = buildProfile(rows, { features: { x: 'numeric' }, createdAt: CREATED }).features.x;
    expect(x).toMatchObject({ count: 2, missing: 5, min: 1.5, max: 3 });
  });
});

describe('numeric summaries near the largest double', () => {
  it('keeps mean and std finite, so the profile survives its own JSON round trip', () => {
    const big = 1.7e308;
    const profile = buildProfile([{ a: big }, { a: big }, { a: 1 }], {
      features: { a: 'numeric' },
      createdAt: CREATED,
    });
    const a = profile.features.a as { mean: number; std: number };
    // mean (2·big + 1)/3 and population std big·√2/3, worked out by hand (the 1 is below big's ulp).
    expect(Math.abs(a.mean / (2 * (big / 3)) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(a.std / ((big / 3) * Math.SQRT2) - 1)).toBeLessThan(1e-15);
    expect(() => validateProfile(JSON.parse(JSON.stringify(profile)))).not.toThrow();
  });
});

describe('bad input to buildProfile names the row and column', () => {
  it.each([
    [
      'non-numeric value',
      [{ age: 'forty' }],
      { features: { age: 'numeric' } },
      TypeError,
      /rows\[0\]\.age must be a finite number or missing, got "forty"/,
    ],
    [
      'hexadecimal text, which Number() would read as 16',
      [{ age: '0x10' }],
      { features: { age: 'numeric' } },
      TypeError,
      /rows\[0\]\.age must be a finite number or missing, got "0x10"/,
    ],
    [
      'object as category',
      [{ a: 1 }, { a: {} }],
      { features: { a: 'categorical' } },
      TypeError,
      /rows\[1\]\.a must be a string, number or boolean/,
    ],
    [
      'unknown kind',
      [{ a: 1 }],
      { features: { a: 'ordinal' } },
      TypeError,
      /schema\.features\.a must be 'numeric' or 'categorical'/,
    ],
    ['no rows', [], { features: { a: 'numeric' } }, RangeError, /rows must not be empty/],
    [
      'numeric column all missing',
      [{ a: null }],
      { features: { a: 'numeric' } },
      RangeError,
      /numeric feature a has no values/,
    ],
    [
      'bad boundaries',
      [{ a: 1 }],
      { features: { a: 'numeric' }, quantileBoundaries: [0, 1, 1] },
      RangeError,
      /schema\.quantileBoundaries must be strictly increasing/,
    ],
    [
      'bad quantiles',
      [{ a: 1 }],
      { features: { a: 'numeric' }, quantiles: 0 },
      RangeError,
      /schema\.quantiles must be ≥ 1/,
    ],
  ] as const)('%s', (_, rows, schema, kind, message) => {
    const call = () =>
      buildProfile(rows as unknown as Record<string, unknown>[], schema as unknown as ProfileSchema);
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('score by label (the calibration table)', () => {
  const rows = [
    { s: 0.02, y: 'yes' },
    { s: 0.05, y: 'no' }, // on a boundary: (0, 0.05]
    { s: '0.5', y: 'yes' }, // numeric string, as read from CSV
    { s: 0.51, y: 'no' },
    { s: null, y: 'yes' }, // no score: not in the table
    { s: 0.9, y: null }, // no label: in the histogram, not in the table
    { s: 1, y: true }, // labels become strings
  ];
  const schema: ProfileSchema = { features: {}, label: 'y', score: 's', createdAt: CREATED };
  const expected = (() => {
    const table: Record<string, number[]> = {
      yes: new Array(22).fill(0),
      no: new Array(22).fill(0),
      true: new Array(22).fill(0),
    };
    (table.yes as number[])[1] = 1; // 0.02
    (table.yes as number[])[10] = 1; // 0.5 in (0.45, 0.5]
    (table.no as number[])[1] = 1; // 0.05
    (table.no as number[])[11] = 1; // 0.51 in (0.5, 0.55]
    (table.true as number[])[20] = 1; // 1 in (0.95, 1]
    return table;
  })();

  it('counts the rows of each label class per score bucket, by hand', () => {
    const profile = buildProfile(rows, schema);
    expect(profile.score?.byLabel).toEqual(expected);
    expect(Object.keys(profile.score?.byLabel ?? {})).toEqual(['no', 'yes', 'true']);
    expect(profile.score?.count).toBe(6);
  });

  it('gives the same table from a one-shot iterable and from columns', () => {
    function* once() {
      yield* rows;
    }
    expect(buildProfile(once(), schema).score?.byLabel).toEqual(expected);
    const columns = {
      s: Float64Array.from(rows, (r) => (r.s === null ? Number.NaN : Number(r.s))),
      y: rows.map((r) => r.y),
    };
    expect(buildProfile({ columns }, schema).score?.byLabel).toEqual(expected);
  });

  it('is left out without a label column, and old profiles without it stay valid', () => {
    const { label: _, ...unlabelled } = schema;
    const profile = buildProfile(rows, unlabelled);
    expect(profile.score).toBeDefined();
    expect(profile.score).not.toHaveProperty('byLabel');
    const withLabel = JSON.parse(JSON.stringify(buildProfile(rows, schema)));
    delete withLabel.score.byLabel;
    expect(validateProfile(withLabel).score?.byLabel).toBeUndefined();
  });
});

describe('validateProfile', () => {
  const good = (): Profile =>
    buildProfile(
      [
        { age: 20, city: 'Graz', class: 'good', score: 0.1 },
        { age: 35, city: 'Linz', class: 'bad', score: 0.7 },
        { age: 50, city: 'Graz', class: 'good', score: 0.2 },
      ],
      {
        features: { age: 'numeric', city: 'categorical' },
        label: 'class',
        score: 'score',
        createdAt: CREATED,
      },
    );

  it('accepts a built profile and its boundaries are the contract buckets', () => {
    const profile = good();
    expect(validateProfile(profile)).toBe(profile);
    expect(profile.quantileBoundaries).toEqual(UNIT_BOUNDARIES);
    expect(profile.quantileBoundaries[3]).toBe(0.15);
  });

  // biome-ignore lint/suspicious/noExplicitAny: each case corrupts one field of a parsed JSON document
  it.each<[string, (p: Record<string, any>) => void, RegExp]>([
    [
      'wrong format',
      (p) => {
        p.format = 'other';
      },
      /validateProfile: format must be "modelpulse.profile", got "other"/,
    ],
    [
      'newer version',
      (p) => {
        p.version = 2;
      },
      /version must be 1/,
    ],
    [
      'bad date',
      (p) => {
        p.createdAt = 'yesterday';
      },
      /createdAt must be an ISO 8601 date string/,
    ],
    [
      'knots not increasing',
      (p) => {
        p.features.age.knots[2] = 1;
      },
      /features\.age\.knots\[2\] must be greater than the previous entry/,
    ],
    [
      'cdf of wrong length',
      (p) => {
        p.features.age.cdf.pop();
      },
      /features\.age\.cdf must have one entry per knot/,
    ],
    [
      'cdf not ending at 1',
      (p) => {
        p.features.age.cdf[p.features.age.cdf.length - 1] = 0.9;
      },
      /features\.age\.cdf/,
    ],
    [
      'shares not summing to 1',
      (p) => {
        p.features.age.shares[5] += 0.5;
      },
      /features\.age\.shares must sum to 1/,
    ],
    [
      'negative share',
      (p) => {
        p.features.city.categories.Graz = -0.1;
      },
      /features\.city\.categories\.Graz must be a share in \[0, 1\]/,
    ],
    [
      'unknown feature type',
      (p) => {
        p.features.city.type = 'text';
      },
      /features\.city\.type must be 'numeric' or 'categorical'/,
    ],
    [
      'missing count',
      (p) => {
        delete p.features.age.count;
      },
      /features\.age\.count must be a whole number ≥ 0, got undefined/,
    ],
    [
      'score shares of wrong length',
      (p) => {
        p.score.shares.push(0);
      },
      /score\.shares must have 22 entries/,
    ],
    [
      'score.byLabel with an unknown class',
      (p) => {
        p.score.byLabel.ugly = p.score.byLabel.good;
      },
      /score\.byLabel\.ugly must name a class of label\.classes \(good, bad\)/,
    ],
    [
      'score.byLabel of wrong length',
      (p) => {
        p.score.byLabel.good.pop();
      },
      /score\.byLabel\.good must have 22 entries/,
    ],
    [
      'score.byLabel with a fractional count',
      (p) => {
        p.score.byLabel.bad[14] = 0.5;
      },
      /score\.byLabel\.bad\[14\] must be a whole number ≥ 0, got 0\.5/,
    ],
    [
      'score.byLabel counting more rows than the histogram',
      (p) => {
        p.score.byLabel.bad[3] = 1;
      },
      /score\.byLabel must not count more rows in bucket 3 than the score histogram has there \(0\)/,
    ],
    [
      'label not an object',
      (p) => {
        p.label.classes = ['good'];
      },
      /label\.classes must be an object/,
    ],
  ])('rejects %s with the field path', (_, corrupt, message) => {
    const profile = JSON.parse(JSON.stringify(good()));
    corrupt(profile);
    expect(() => validateProfile(profile)).toThrow(message);
  });

  it('rejects non-objects', () => {
    expect(() => validateProfile(null)).toThrow(/validateProfile: profile must be an object, got null/);
    expect(() => validateProfile('{}')).toThrow(TypeError);
  });
});
