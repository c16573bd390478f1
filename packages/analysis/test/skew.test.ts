import {
  buildProfile,
  createRandom,
  explicitBuckets,
  OTHER_CATEGORY,
  type Profile,
  quantilePosition,
} from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import { type FeatureWindow, trainingServingSkew } from '../src/analyse/skew.js';
import { CREDIT_CATEGORICAL, CREDIT_NUMERIC, creditData, type Row } from './datasets.js';

const NUMERIC = CREDIT_NUMERIC;
const CATEGORICAL = CREDIT_CATEGORICAL;

/** What @modelpulse/otel would have recorded for these rows, summed as the store returns it. */
function windowsOf(profile: Profile, rows: Row[]): Map<string, FeatureWindow> {
  const out = new Map<string, FeatureWindow>();
  for (const [feature, expected] of Object.entries(profile.features)) {
    const present = rows.map((r) => r[feature]).filter((v) => v !== null && v !== undefined);
    const missing = rows.length - present.length;
    if (expected.type === 'numeric') {
      const positions = present.map((v) => quantilePosition(v as number, expected.knots, expected.cdf));
      out.set(feature, {
        quantileCounts: explicitBuckets(positions, profile.quantileBoundaries).counts,
        missing,
      });
    } else {
      const counts: Record<string, number> = {};
      for (const v of present) {
        const key = String(v) in expected.categories ? String(v) : OTHER_CATEGORY;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      out.set(feature, { categoryCounts: counts, missing });
    }
  }
  return out;
}

describe('training–serving skew on credit data', () => {
  const rows = creditData();
  const profile = buildProfile(rows, {
    features: Object.fromEntries([
      ...NUMERIC.map((f) => [f, 'numeric']),
      ...CATEGORICAL.map((f) => [f, 'categorical']),
    ]),
  });
  const random = createRandom(5);
  const resample = (n: number) =>
    Array.from({ length: n }, () => rows[Math.floor(random() * rows.length)] as Row);

  it('ranks exactly the two broken features first and alerts on them only', () => {
    // Upstream incident: Income arrives ×100 (a unit change) and Home's values are renamed.
    const incident = resample(2000).map((r) => ({
      ...r,
      Income: r.Income === null ? null : (r.Income as number) * 100,
      Home: r.Home === null ? null : String(r.Home).toUpperCase(),
    }));
    const skew = trainingServingSkew(profile, windowsOf(profile, incident), 0.01);
    expect(
      skew
        .slice(0, 2)
        .map((s) => s.feature)
        .sort(),
    ).toEqual(['Home', 'Income']);
    expect(
      skew
        .filter((s) => s.alert)
        .map((s) => s.feature)
        .sort(),
    ).toEqual(['Home', 'Income']);
    const income = skew.find((s) => s.feature === 'Income');
    expect(income?.unseenShare).toBeGreaterThan(0.9); // almost every value beyond the training maximum
    const home = skew.find((s) => s.feature === 'Home');
    expect(home?.unseenShare).toBeGreaterThan(0.99); // every value outside the known categories
  });

  it('raises nothing on a healthy window, and reports missing rates', () => {
    const skew = trainingServingSkew(profile, windowsOf(profile, resample(3000)), 0.01);
    expect(skew).toHaveLength(NUMERIC.length + CATEGORICAL.length);
    expect(skew.filter((s) => s.alert)).toEqual([]);
    const income = skew.find((s) => s.feature === 'Income');
    // 381 of the 4 454 rows of credit_data.csv have Income = NA.
    expect(income?.referenceMissingRate).toBeCloseTo(381 / 4454, 12);
    expect(income?.missingChanged).toBe(false);
  });

  it('notices a missing-rate jump', () => {
    const broken = resample(1000).map((r, i) => (i % 2 ? { ...r, Assets: null } : r));
    const assets = trainingServingSkew(profile, windowsOf(profile, broken), 0.01).find(
      (s) => s.feature === 'Assets',
    );
    expect(assets?.missingRate).toBeGreaterThan(0.45);
    expect(assets?.missingChanged).toBe(true);
  });
});
