import { createRandom, distanceByName, NullReference } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import { nullShares, ReferenceLaws } from '../src/analyse/reference-laws.js';
import { gridSize } from '../src/analyse/sample-size-grid.js';

/** Ten bins alternating 4.9 % above and below equal mass: about the widest spread simulated as equal. */
const nearEqual = Array.from({ length: 10 }, (_, i) => (i % 2 ? 0.1049 : 0.0951));

describe('nullShares', () => {
  it('makes bins within 5 % of their mean share exactly equal, keeping empty bins empty', () => {
    expect(nullShares(nearEqual)).toEqual(new Array(10).fill(1));
    expect(nullShares([0, 196, 199, 191, 0])).toEqual([0, 1, 1, 1, 0]);
    expect(nullShares([0, 0, 7, 0])).toEqual([0, 0, 7, 0]); // one bin: nothing to equalise
  });

  it('keeps a reference with any bin further than 5 % from the mean', () => {
    const skewed = [0.094, 0.106, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]; // mean 0.1: −6 %, +6 %
    expect(nullShares(skewed)).toBe(skewed);
    const categorical = [50, 30, 20];
    expect(nullShares(categorical)).toBe(categorical);
  });
});

describe('ReferenceLaws of near-equal references', () => {
  it('measures distances against the reference itself and takes thresholds from the equal-share law', () => {
    const laws = new ReferenceLaws(nearEqual, {});
    const counts = [30, 10, 20, 20, 20, 20, 20, 20, 20, 20];
    expect(laws.distances(['psi'], counts)).toEqual([distanceByName('psi')(nearEqual, counts)]);
    const equal = new NullReference(new Array(10).fill(1));
    expect(laws.threshold('psi', 200, 0.01)).toBe(equal.threshold('psi', gridSize(200), 0.01));
    expect(laws.pValue('jensenShannon', 200, 0.1)).toBe(equal.pValue('jensenShannon', gridSize(200), 0.1));
  });

  it('keeps the false-alarm rate within α for windows drawn from the unequal reference itself', () => {
    // 20 000 windows of 200 drawn from `nearEqual`. At α = 0.01 the count of alarms is Binomial(20 000,
    // 0.01) if the threshold were exact: 200 ± 42 at 3σ; the threshold's own Monte Carlo error (about 1 %
    // of its value, 10 000 simulated windows) widens that to roughly ±30 %.
    const alpha = 0.01;
    const windows = 20_000;
    const n = 200;
    const laws = new ReferenceLaws(nearEqual, {});
    const random = createRandom(2024);
    const cumulative = nearEqual.map((_, i) => nearEqual.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const counts = new Array<number>(10);
    const alarms = { jensenShannon: 0, psi: 0 };
    const thresholds = {
      jensenShannon: laws.threshold('jensenShannon', n, alpha),
      psi: laws.threshold('psi', n, alpha),
    };
    for (let w = 0; w < windows; w++) {
      counts.fill(0);
      for (let item = 0; item < n; item++) {
        const u = random();
        let bin = 0;
        while (bin < 9 && u >= (cumulative[bin] as number)) bin++;
        counts[bin] = (counts[bin] as number) + 1;
      }
      const [js, psi] = laws.distances(['jensenShannon', 'psi'], counts) as [number, number];
      if (js > thresholds.jensenShannon) alarms.jensenShannon++;
      if (psi > thresholds.psi) alarms.psi++;
    }
    for (const count of Object.values(alarms)) {
      expect(count / windows).toBeGreaterThan(0.7 * alpha);
      expect(count / windows).toBeLessThan(1.3 * alpha);
    }
  });
});
