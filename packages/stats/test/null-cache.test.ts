import { describe, expect, it, vi } from 'vitest';

/** Fresh copies of the module, so that each has caches of its own (a restarted process). */
async function freshModule() {
  vi.resetModules();
  return import('../src/threshold/null-threshold.js');
}

describe('snapshotNullCache / restoreNullCache', () => {
  it('carries thresholds and p-value tables into a new process, where they are used as they are', async () => {
    const first = await freshModule();
    const reference = [5, 3, 2];
    const options = { simulations: 2000, approximation: 'never' } as const;
    const threshold = first.nullThreshold('d1', reference, 60, 0.05, options);
    const pValue = first.nullPValueFor('jensenShannon', reference, 60, 0.2, options);
    const snapshot = JSON.parse(JSON.stringify(first.snapshotNullCache()));
    expect(snapshot.thresholds).toHaveLength(1);
    expect(snapshot.pValueTables).toHaveLength(1);

    const second = await freshModule();
    expect(second.restoreNullCache(snapshot)).toBe(2);
    expect(second.snapshotNullCache()).toEqual(snapshot);
    expect(second.nullThreshold('d1', reference, 60, 0.05, options)).toBe(threshold);
    expect(second.nullPValueFor('jensenShannon', reference, 60, 0.2, options)).toBe(pValue);

    // The restored entry is what answers (not a recomputation): a doctored value comes back.
    const third = await freshModule();
    third.restoreNullCache({ ...snapshot, thresholds: [[snapshot.thresholds[0][0], 0.123]] });
    expect(third.nullThreshold('d1', reference, 60, 0.05, options)).toBe(0.123);
  });

  it('ignores other formats and malformed entries, keeping the good ones', async () => {
    const m = await freshModule();
    const good = { simulations: 100, tail: [0.5, 0.6], grid: Array.from({ length: 20 }, (_, i) => i / 40) };
    expect(m.restoreNullCache(null)).toBe(0);
    expect(m.restoreNullCache('nonsense')).toBe(0);
    expect(m.restoreNullCache({ format: 'modelpulse.null-cache/0', thresholds: [['a', 1]] })).toBe(0);
    // Format 1 was drawn with the binomial search from 0 below n·p = 30: its values differ.
    expect(m.restoreNullCache({ format: 'modelpulse.null-cache/1', thresholds: [['a', 1]] })).toBe(0);
    const taken = m.restoreNullCache({
      format: 'modelpulse.null-cache/2',
      thresholds: [['a', 1], ['b', 'x'], ['c', Number.NaN], [1, 2], 'd'],
      pValueTables: [
        ['t1', good],
        ['t2', { ...good, tail: [0.6, 0.5] }], // not sorted
        ['t3', { ...good, grid: [0, 0.1] }], // wrong grid length
        ['t4', { ...good, simulations: -1 }],
      ],
    });
    expect(taken).toBe(2);
    expect(m.snapshotNullCache().thresholds).toEqual([['a', 1]]);
    expect(m.snapshotNullCache().pValueTables.map(([k]) => k)).toEqual(['t1']);
  });
});
