import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridSize } from '../src/analyse/sample-size-grid.js';

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
