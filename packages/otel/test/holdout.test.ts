import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdoutPosition } from '../src/holdout.js';
import { createModelMonitor } from '../src/index.js';
import { createHarness } from './harness.js';

const vectors = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'holdout.json'), 'utf8')) as {
  cases: { salt: string; key: string; position: number }[];
};

describe('isHoldout', () => {
  it('is the documented hash: the same positions as Python hashlib', () => {
    for (const c of vectors.cases) expect(holdoutPosition(c.key, c.salt)).toBe(c.position);
  });

  it('holds out the configured share of 100 000 keys, within 3σ', () => {
    const h = createHarness();
    const rate = 0.05;
    const monitor = createModelMonitor({
      model: { name: 'm', version: '1' },
      holdout: { rate, salt: 'loan-2026' },
      meter: h.meter,
      tracer: h.tracer,
    });
    const n = 100_000;
    let held = 0;
    for (let i = 0; i < n; i++) if (monitor.isHoldout(`application-${i}`)) held++;
    const sigma = Math.sqrt(n * rate * (1 - rate)); // ≈ 68.9
    expect(Math.abs(held - n * rate)).toBeLessThan(3 * sigma);
  });

  it('gives the same answer across monitors (processes, restarts) and for a number or its text', () => {
    const h = createHarness();
    const options = {
      model: { name: 'm', version: '1' },
      holdout: { rate: 0.3, salt: 's' },
      meter: h.meter,
      tracer: h.tracer,
    };
    const a = createModelMonitor(options);
    const b = createModelMonitor(options);
    for (let i = 0; i < 1000; i++) {
      expect(a.isHoldout(i)).toBe(b.isHoldout(String(i)));
    }
  });

  it('is never true without a holdout configuration, and rate 0 / 1 mean none / all', () => {
    const h = createHarness();
    const base = { model: { name: 'm', version: '1' }, meter: h.meter, tracer: h.tracer };
    expect(createModelMonitor(base).isHoldout('x')).toBe(false);
    expect(createModelMonitor({ ...base, holdout: { rate: 0, salt: '' } }).isHoldout('x')).toBe(false);
    expect(createModelMonitor({ ...base, holdout: { rate: 1, salt: '' } }).isHoldout('x')).toBe(true);
  });
});
