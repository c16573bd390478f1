import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridSize, stickyGridSize, thresholdSize } from '../src/analyse/sample-size-grid.js';

describe('gridSize', () => {
  it('never exceeds n, stays within 2^(1/8) of it, and maps nearby sizes to one grid point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (n) => {
        const g = gridSize(n);
        expect(g).toBeLessThanOrEqual(n);
        expect(n / g).toBeLessThan(2 ** (1 / 8) + 1e-9 + (n < 64 ? 0.1 : 0));
        expect(gridSize(g)).toBe(g);
      }),
    );
    expect(gridSize(10)).toBe(10);
    expect(new Set(Array.from({ length: 100 }, (_, i) => gridSize(5000 + i))).size).toBeLessThanOrEqual(2);
  });
});

describe('thresholdSize', () => {
  const reference = new Array(20).fill(1);
  it('keeps the exact size where the large-sample law applies, and the grid where windows are simulated', () => {
    // D1 needs 20 expected per bin (n ≥ 400 on 20 equal bins), PSI a harmonic 100 (n ≥ 2 106).
    expect(thresholdSize('d1', reference, 401)).toBe(401);
    expect(thresholdSize('d1', reference, 399)).toBe(gridSize(399));
    expect(thresholdSize('psi', reference, 1000)).toBe(gridSize(1000));
    expect(thresholdSize('psi', reference, 50_001)).toBe(50_001);
    // A reference sample of 1 000 caps the effective size below 1 000: always simulated for PSI.
    expect(thresholdSize('psi', reference, 1e6, { referenceN: 1000 })).toBe(gridSize(1e6));
  });
});

describe('stickyGridSize', () => {
  it('keeps a size used for the reference while n stays within two grid steps above it', () => {
    // grid points near 500: 469 (2^(71/8)), 512, 558, 608
    expect([gridSize(500), gridSize(520), gridSize(560), gridSize(610)]).toEqual([469, 512, 558, 608]);
    expect(stickyGridSize('a', 500)).toBe(469);
    expect(stickyGridSize('a', 520)).toBe(469); // one step up: still 469
    expect(stickyGridSize('a', 555)).toBe(469); // below 469 · 2^(2/8) ≈ 557.7
    expect(stickyGridSize('a', 560)).toBe(558); // two steps up: a new size
    expect(stickyGridSize('a', 470)).toBe(469); // back down: the older size serves again
    expect(stickyGridSize('a', 460)).toBe(gridSize(460)); // below it: never a larger size than n
    expect(stickyGridSize('b', 520)).toBe(512); // another reference has its own sizes
  });

  it('never returns more than n, nor less than n / 2^(2/8)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 16, max: 100_000 }), { minLength: 1, maxLength: 30 }),
        (sizes) => {
          const key = `p${sizes.join(',')}`;
          for (const n of sizes) {
            const s = stickyGridSize(key, n);
            expect(s).toBeLessThanOrEqual(n);
            expect(n / s).toBeLessThan(2 ** (2 / 8) + 1e-9);
          }
        },
      ),
    );
  });
});
