import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceLaws, referenceLaws } from '../src/analyse/reference-laws.js';
import { gridSize, stickyGridSize } from '../src/analyse/sample-size-grid.js';

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

describe('ReferenceLaws.size', () => {
  const reference = new Array(20).fill(1);
  it('keeps the exact size where the large-sample law applies, and the grid where windows are simulated', () => {
    const laws = new ReferenceLaws(reference, {});
    // D1 needs 20 expected per bin (n ≥ 400 on 20 equal bins), PSI a harmonic 100 (n ≥ 2 106).
    expect(laws.size('d1', 401)).toBe(401);
    expect(laws.size('d1', 399)).toBe(gridSize(399));
    expect(laws.size('psi', 1000)).toBe(gridSize(1000));
    expect(laws.size('psi', 50_001)).toBe(50_001);
    // A reference sample of 1 000 caps the effective size below 1 000: always simulated for PSI.
    expect(new ReferenceLaws(reference, { referenceN: 1000 }).size('psi', 1e6)).toBe(gridSize(1e6));
  });

  it('is found again by reference values and options, and its answers are the thresholds at that size', () => {
    const laws = referenceLaws(reference);
    expect(referenceLaws(reference)).toBe(laws);
    expect(referenceLaws([...reference])).toBe(laws); // rebuilt with the same values: same sizes used
    expect(referenceLaws(reference, { referenceN: 500 })).not.toBe(laws);
    expect(referenceLaws([2, ...reference.slice(1)])).not.toBe(laws);
    const fresh = new ReferenceLaws(reference, {});
    expect(laws.threshold('psi', 1000, 0.01)).toBe(fresh.threshold('psi', gridSize(1000), 0.01));
  });
});

describe('stickyGridSize', () => {
  it('keeps a size used for the reference while n stays within two grid steps above it', () => {
    // grid points near 500: 469 (2^(71/8)), 512, 558, 608
    expect([gridSize(500), gridSize(520), gridSize(560), gridSize(610)]).toEqual([469, 512, 558, 608]);
    const a: number[] = [];
    expect(stickyGridSize(a, 500)).toBe(469);
    expect(stickyGridSize(a, 520)).toBe(469); // one step up: still 469
    expect(stickyGridSize(a, 555)).toBe(469); // below 469 · 2^(2/8) ≈ 557.7
    expect(stickyGridSize(a, 560)).toBe(558); // two steps up: a new size
    expect(stickyGridSize(a, 470)).toBe(469); // back down: the older size serves again
    expect(stickyGridSize(a, 460)).toBe(gridSize(460)); // below it: never a larger size than n
    expect(stickyGridSize([], 520)).toBe(512); // another reference has its own sizes
    expect(a).toEqual([469, 558, gridSize(460)]);
  });

  it('never returns more than n, nor less than n / 2^(2/8), and remembers at most six sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 16, max: 100_000 }), { minLength: 1, maxLength: 30 }),
        (sizes) => {
          const used: number[] = [];
          for (const n of sizes) {
            const s = stickyGridSize(used, n);
            expect(s).toBeLessThanOrEqual(n);
            expect(n / s).toBeLessThan(2 ** (2 / 8) + 1e-9);
            expect(used.length).toBeLessThanOrEqual(6);
          }
        },
      ),
    );
  });
});
