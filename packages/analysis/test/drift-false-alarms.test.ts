import { createRandom, explicitBuckets, UNIT_BOUNDARIES } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import { type DriftMethod, responseDrift } from '../src/analyse/drift.js';
import { nannymlAvailable, nannymlReference } from './datasets.js';

const bounds = [...UNIT_BOUNDARIES];

/** y_pred_proba of NannyML's California housing reference period. */
function referenceScores(): number[] {
  return nannymlReference(['y_pred_proba']).map(([score]) => Number(score));
}

describe.skipIf(!nannymlAvailable)(
  'false alarms on healthy windows (NannyML California housing scores)',
  () => {
    it('keeps the calibrated alert rate within α at every window size; a fixed 0.1 does not', () => {
      const scores = referenceScores();
      expect(scores).toHaveLength(5832); // the published reference period
      const reference = explicitBuckets(scores, bounds).counts;
      const random = createRandom(20261126);
      const alpha = 0.01;
      const methods: DriftMethod[] = ['d1', 'jensenShannon', 'hellinger', 'psi'];
      const sizes = [50, 200, 1000, 5000, 20_000, 50_000];
      const windowsPerSize = 90; // 540 healthy windows
      const calibrated = new Map(methods.map((m) => [m, 0]));
      const fixed = new Map(methods.map((m) => [m, 0]));
      const bySize: Record<number, { calibrated: number; fixed: number }> = {};
      for (const n of sizes) {
        bySize[n] = { calibrated: 0, fixed: 0 };
        for (let w = 0; w < windowsPerSize; w++) {
          // A healthy window: n predictions resampled from the reference period itself.
          const window = Array.from(
            { length: n },
            () => scores[Math.floor(random() * scores.length)] as number,
          );
          const current = explicitBuckets(window, bounds).counts;
          const withAlpha = responseDrift({ reference, current, bounds }, methods, { alpha });
          const withFixed = responseDrift({ reference, current, bounds }, methods, { threshold: 0.1 });
          for (const r of withAlpha)
            if (r.alert) calibrated.set(r.method, (calibrated.get(r.method) ?? 0) + 1);
          for (const r of withFixed) if (r.alert) fixed.set(r.method, (fixed.get(r.method) ?? 0) + 1);
          const jsAlpha = withAlpha.find((r) => r.method === 'jensenShannon');
          const jsFixed = withFixed.find((r) => r.method === 'jensenShannon');
          if (jsAlpha?.alert) bySize[n].calibrated++;
          if (jsFixed?.alert) bySize[n].fixed++;
        }
      }
      const windows = sizes.length * windowsPerSize;
      const report = methods.map((m) => ({
        method: m,
        calibratedRate: (calibrated.get(m) ?? 0) / windows,
        fixedRate: (fixed.get(m) ?? 0) / windows,
      }));
      console.info(
        `healthy windows: ${windows}; alert rates (α = ${alpha}):`,
        JSON.stringify(report),
        'Jensen–Shannon by window size:',
        JSON.stringify(bySize),
      );
      // Within α: at most α plus three binomial standard errors.
      const ceiling = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / windows);
      for (const r of report) expect(r.calibratedRate).toBeLessThanOrEqual(ceiling);
      // The fixed cut-off fires on most small windows of Jensen–Shannon distance…
      expect((bySize[50]?.fixed ?? 0) / windowsPerSize).toBeGreaterThan(0.5);
    }, 120_000);
  },
);

describe('responseDrift', () => {
  it('flags a shifted score distribution with every method', () => {
    const reference = [0, 10, 20, 40, 20, 10, 0];
    const current = [0, 0, 5, 10, 20, 40, 25];
    const results = responseDrift(
      { reference, current, bounds: [0, 0.2, 0.4, 0.6, 0.8, 1] },
      ['d1', 'jensenShannon', 'ksBinned', 'wassersteinBinned', 'chiSquared'],
      { alpha: 0.01 },
    );
    expect(results.every((r) => r.alert)).toBe(true);
    const chi = results.find((r) => r.method === 'chiSquared');
    expect(chi?.value).toBe(Number.POSITIVE_INFINITY); // 25 scores where the reference had none
    expect(chi?.pValue).toBe(0);
  });

  it('computes the chi-squared goodness of fit against the reference shares (checked by hand)', () => {
    // Expected 25/25/50 of 100; observed 30/20/50: (25/25 + 25/25 + 0) = 2, dof 2, p = e^(−1).
    const [chi] = responseDrift(
      { reference: [1, 1, 2], current: [30, 20, 50], bounds: [0.5, 1] },
      ['chiSquared'],
      { alpha: 0.05 },
    );
    expect(chi?.value).toBeCloseTo(2, 12);
    expect(chi?.pValue).toBeCloseTo(Math.exp(-1), 12);
    expect(chi?.alert).toBe(false);
  });
});
