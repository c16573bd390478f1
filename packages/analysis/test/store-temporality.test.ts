import { describe, expect, it } from 'vitest';
import type { HistogramPoint, NumberPoint, Span } from '../src/receive/model.js';
import { canonicalAttributes } from '../src/store/canonical.js';
import { bottomK, priority, type ReservoirEntry, scoreBucket } from '../src/store/reservoir.js';
import { classifySpan } from '../src/store/spans.js';
import { counterStep, type HistogramSample, histogramStep } from '../src/store/temporality.js';
import { counterProblem, histogramProblem } from '../src/store/validate.js';

const S1 = 1_000n;
const S2 = 5_000n;

function h(startNs: bigint, timeNs: bigint, counts: number[], sum = 0): HistogramSample {
  return { startNs, timeNs, count: counts.reduce((a, b) => a + b, 0), sum, counts };
}

describe('cumulative histogram deltas', () => {
  it('takes the full value of the first point of a stream', () => {
    const r = histogramStep(undefined, h(S1, 2_000n, [1, 2, 3], 4.5));
    expect(r.step).toBe('first');
    expect(r.delta).toEqual({ count: 6, sum: 4.5, counts: [1, 2, 3] });
    expect(r.next).toEqual({ startNs: S1, timeNs: 2_000n, count: 6, sum: 4.5, counts: [1, 2, 3] });
  });

  it('subtracts the last point when the start is the same and nothing decreased', () => {
    const first = histogramStep(undefined, h(S1, 2_000n, [1, 2, 3], 4.5)).next;
    const r = histogramStep(first, h(S1, 3_000n, [1, 5, 4], 7));
    expect(r.step).toBe('increase');
    // recorded between the exports: three in bucket 1 and one in bucket 2, summing to 2.5
    expect(r.delta).toEqual({ count: 4, sum: 2.5, counts: [0, 3, 1] });
    expect(r.next.counts).toEqual([1, 5, 4]);
  });

  it('adds nothing for a retry or an out-of-order point of the same start', () => {
    const last = histogramStep(undefined, h(S1, 3_000n, [1, 5, 4])).next;
    for (const time of [3_000n, 2_500n]) {
      const r = histogramStep(last, h(S1, time, [9, 9, 9]));
      expect(r.step).toBe('duplicate');
      expect(r.delta).toBeNull();
      expect(r.next).toBe(last);
    }
  });

  it('treats a new start time as a reset: the full current value', () => {
    const last = histogramStep(undefined, h(S1, 3_000n, [1, 5, 4])).next;
    const r = histogramStep(last, h(S2, 6_000n, [0, 2, 0], 1));
    expect(r.step).toBe('reset');
    expect(r.delta).toEqual({ count: 2, sum: 1, counts: [0, 2, 0] });
  });

  it('treats a decreased count as a reset', () => {
    const last = histogramStep(undefined, h(S1, 3_000n, [1, 5, 4])).next;
    const r = histogramStep(last, h(S1, 4_000n, [1, 1, 1]));
    expect(r.step).toBe('reset');
    expect(r.delta?.counts).toEqual([1, 1, 1]);
  });

  it('treats a decreased bucket as a reset even when the count grew', () => {
    const last = histogramStep(undefined, h(S1, 3_000n, [1, 5, 4])).next;
    const r = histogramStep(last, h(S1, 4_000n, [9, 4, 4]));
    expect(r.step).toBe('reset');
    expect(r.delta).toEqual({ count: 17, sum: 0, counts: [9, 4, 4] });
  });

  it('does not take a decreased sum for a reset (histograms may record negative values)', () => {
    const last = histogramStep(undefined, h(S1, 3_000n, [1, 1], 10)).next;
    const r = histogramStep(last, h(S1, 4_000n, [1, 2], 7));
    expect(r.step).toBe('increase');
    expect(r.delta).toEqual({ count: 1, sum: -3, counts: [0, 1] });
  });

  it('ignores a point of an earlier start than the last (a stale point of a previous life)', () => {
    const last = histogramStep(undefined, h(S2, 6_000n, [1])).next;
    const r = histogramStep(last, h(S1, 7_000n, [50]));
    expect(r.step).toBe('stale');
    expect(r.delta).toBeNull();
  });

  it('does not alias the input counts in the state', () => {
    const counts = [1, 2];
    const r = histogramStep(undefined, h(S1, 2_000n, counts));
    counts[0] = 100;
    expect(r.next.counts).toEqual([1, 2]);
  });

  it('telescopes: the deltas of a stream sum to its last value', () => {
    const exports = [
      [0, 1, 0],
      [2, 1, 0],
      [2, 4, 1],
      [2, 4, 1],
      [3, 4, 6],
    ];
    let state: ReturnType<typeof histogramStep>['next'] | undefined;
    const total = [0, 0, 0];
    exports.forEach((counts, i) => {
      const r = histogramStep(state, h(S1, BigInt(2_000 + i), counts));
      state = r.next;
      r.delta?.counts.forEach((c, j) => {
        total[j] = (total[j] as number) + c;
      });
    });
    expect(total).toEqual([3, 4, 6]);
  });
});

describe('cumulative counter deltas', () => {
  const c = (startNs: bigint, timeNs: bigint, value: number) => ({ startNs, timeNs, value });

  it('first point full, then differences, equal values add 0', () => {
    const a = counterStep(undefined, c(S1, 2_000n, 7));
    expect([a.step, a.delta]).toEqual(['first', 7]);
    const b = counterStep(a.next, c(S1, 3_000n, 10));
    expect([b.step, b.delta]).toEqual(['increase', 3]);
    const d = counterStep(b.next, c(S1, 4_000n, 10));
    expect([d.step, d.delta]).toEqual(['increase', 0]);
  });

  it('a decrease or a new start is a reset; a retry adds nothing', () => {
    const last = counterStep(undefined, c(S1, 3_000n, 10)).next;
    expect(counterStep(last, c(S1, 4_000n, 4))).toMatchObject({ step: 'reset', delta: 4 });
    expect(counterStep(last, c(S2, 6_000n, 2))).toMatchObject({ step: 'reset', delta: 2 });
    expect(counterStep(last, c(S1, 3_000n, 10))).toMatchObject({ step: 'duplicate', delta: null });
    expect(counterStep(last, c(S1, 2_000n, 3))).toMatchObject({ step: 'duplicate', delta: null });
  });
});

describe('point validation', () => {
  const hp = (over: Partial<HistogramPoint>): HistogramPoint => ({
    attributes: {},
    startTimeUnixNano: 1n,
    timeUnixNano: 2n,
    count: 3,
    sum: 1,
    bounds: [0, 1],
    counts: [1, 1, 1],
    exemplars: [],
    ...over,
  });
  const np = (over: Partial<NumberPoint>): NumberPoint => ({
    attributes: {},
    startTimeUnixNano: 1n,
    timeUnixNano: 2n,
    value: 1,
    ...over,
  });

  it('accepts valid points, a histogram without buckets and a zero start time', () => {
    expect(histogramProblem(hp({}))).toBeUndefined();
    expect(histogramProblem(hp({ bounds: [], counts: [], count: 5 }))).toBeUndefined();
    expect(histogramProblem(hp({ startTimeUnixNano: 0n }))).toBeUndefined();
    const { sum: _, ...withoutSum } = hp({});
    expect(histogramProblem(withoutSum)).toBeUndefined();
    expect(counterProblem(np({ value: 0 }))).toBeUndefined();
  });

  it.each([
    ['negative count', hp({ count: -1, counts: [-1, 0, 0] }), /count must be a non-negative integer/],
    ['NaN count', hp({ count: Number.NaN }), /count must be a non-negative integer, got NaN/],
    ['count ≠ Σ buckets', hp({ count: 4 }), /count 4 is not the sum of the bucket counts \(3\)/],
    [
      'bucket/bounds length mismatch',
      hp({ counts: [1, 2], count: 3 }),
      /2 bucket counts do not fit 2 bounds/,
    ],
    ['negative bucket', hp({ counts: [2, -1, 2] }), /bucket count must be a non-negative integer, got -1/],
    ['fractional bucket', hp({ counts: [1.5, 0.5, 1] }), /bucket count must be a non-negative integer/],
    ['unsorted bounds', hp({ bounds: [1, 0] }), /not strictly increasing/],
    ['infinite bound', hp({ bounds: [0, Number.POSITIVE_INFINITY] }), /not finite/],
    ['NaN sum', hp({ sum: Number.NaN }), /sum must be finite/],
    ['bounds without counts', hp({ counts: [], count: 0 }), /no bucket counts for 2 bounds/],
    ['no time', hp({ timeUnixNano: 0n, startTimeUnixNano: 0n }), /time_unix_nano is missing/],
    ['start after time', hp({ startTimeUnixNano: 3n }), /start_time_unix_nano 3 is after time_unix_nano 2/],
    ['time beyond int64', hp({ timeUnixNano: 2n ** 63n }), /out of range/],
  ])('rejects a histogram point with %s', (_, point, reason) => {
    expect(histogramProblem(point)).toMatch(reason);
  });

  it.each([
    ['NaN value', np({ value: Number.NaN }), /value must be a finite number, got NaN/],
    ['infinite value', np({ value: Number.POSITIVE_INFINITY }), /finite number/],
    ['negative value', np({ value: -2 }), /monotonic sum cannot be negative/],
    ['no time', np({ timeUnixNano: 0n, startTimeUnixNano: 0n }), /time_unix_nano is missing/],
  ])('rejects a counter point with %s', (_, point, reason) => {
    expect(counterProblem(point)).toMatch(reason);
  });
});

describe('canonical attributes', () => {
  it('is independent of key order and drops null values', () => {
    const a = canonicalAttributes({ b: 1, a: 'x', c: true, n: null });
    const b = canonicalAttributes({ c: true, a: 'x', b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":"x","b":1,"c":true}');
  });

  it('distinguishes a number from its string and sorts nested maps', () => {
    expect(canonicalAttributes({ v: 3 })).not.toBe(canonicalAttributes({ v: '3' }));
    expect(canonicalAttributes({ m: { y: 1, x: [2, 'a'] } })).toBe('{"m":{"x":[2,"a"],"y":1}}');
  });
});

describe('exemplar reservoir', () => {
  it('places scores in the OpenTelemetry upper-inclusive buckets of 0..1 step 0.05', () => {
    expect(scoreBucket(-0.5)).toBe(0);
    expect(scoreBucket(0)).toBe(0);
    expect(scoreBucket(1e-9)).toBe(1);
    expect(scoreBucket(0.05)).toBe(1);
    expect(scoreBucket(0.0500001)).toBe(2);
    expect(scoreBucket(0.5)).toBe(10);
    expect(scoreBucket(0.97)).toBe(20);
    expect(scoreBucket(1)).toBe(20);
    expect(scoreBucket(1.2)).toBe(21);
  });

  it('gives every span a reproducible priority in [0, 1)', () => {
    const p = priority('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    expect(p).toBe(priority('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1);
    expect(p).not.toBe(priority('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203332'));
  });

  const entry = (i: number, r = 0): ReservoirEntry => {
    const traceId = `trace-${r}-${i}`;
    return { traceId, spanId: 's', priority: priority(traceId, 's'), timeMs: i };
  };

  it('keeps the k lowest priorities, each span once, whatever the order', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(i));
    const expected = [...entries].sort((a, b) => a.priority - b.priority).slice(0, 5);
    expect(bottomK(entries, 5)).toEqual(expected);
    expect(bottomK([...entries].reverse(), 5)).toEqual(expected);
    expect(bottomK([...entries, ...entries], 5)).toEqual(expected);
    expect(bottomK(entries.slice(0, 3), 5)).toHaveLength(3);
  });

  it('is a uniform sample: each of 10 offered spans is kept with probability k/10', () => {
    const reservoirs = 4000;
    const kept = new Array<number>(10).fill(0);
    for (let r = 0; r < reservoirs; r++) {
      const entries = Array.from({ length: 10 }, (_, i) => entry(i, r));
      for (const e of bottomK(entries, 3)) kept[e.timeMs] = (kept[e.timeMs] as number) + 1;
    }
    // Expected 1 200 each (p = 0.3); the binomial sd is √(4000·0.3·0.7) ≈ 29, so ±5 sd is 145.
    for (const k of kept) expect(Math.abs(k - 1200)).toBeLessThan(145);
  });
});

describe('span classification', () => {
  const span = (name: string, attributes: Span['attributes']): Span => ({
    resource: { 'service.name': 'loan-api' },
    scope: { name: 'x', version: '' },
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name,
    kind: 1,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 1_500_000_000n,
    attributes,
    status: { code: 0, message: '' },
  });
  const base = { 'ml.model.name': 'loan', 'ml.model.version': '3' };

  it('reads a holdout prediction span, timed at its end', () => {
    const f = classifySpan(
      span('ml.predict loan', {
        ...base,
        'ml.holdout': true,
        'ml.prediction.id': 'app-1',
        'ml.prediction.score': 0.7,
        'ml.prediction.label': 'reject',
      }),
    );
    expect(f.prediction).toEqual({
      model: 'loan',
      version: '3',
      predictionId: 'app-1',
      score: 0.7,
      label: 'reject',
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      timeMs: 1500,
    });
    expect(f.scored).toMatchObject({ model: 'loan', score: 0.7, timeMs: 1500 });
  });

  it('does not keep a prediction outside the holdout, but offers its score', () => {
    const f = classifySpan(
      span('GET /score', {
        ...base,
        'ml.holdout': false,
        'ml.prediction.id': 'x',
        'ml.prediction.score': 0.1,
      }),
    );
    expect(f.prediction).toBeUndefined();
    expect(f.scored?.score).toBe(0.1);
  });

  it('reads an outcome span', () => {
    const f = classifySpan(
      span('ml.outcome loan', {
        ...base,
        'ml.prediction.id': 'app-1',
        'ml.outcome.label': 'approve',
        'ml.holdout': true,
      }),
    );
    expect(f.outcome).toMatchObject({
      predictionId: 'app-1',
      outcomeLabel: 'approve',
      holdout: true,
      predictedLabel: null,
    });
    expect(f.prediction).toBeUndefined();
  });

  it('refuses modelpulse spans without a model, outcomes without a label, and non-numeric scores', () => {
    expect(classifySpan(span('p', { 'ml.holdout': true, 'ml.prediction.id': 'a' })).problem).toMatch(
      /no ml.model.name/,
    );
    expect(classifySpan(span('ml.outcome loan', { ...base, 'ml.prediction.id': 'a' })).problem).toMatch(
      /no ml.outcome.label/,
    );
    expect(classifySpan(span('p', { ...base, 'ml.prediction.score': 'high' })).problem).toMatch(
      /finite number/,
    );
  });

  it('ignores other spans', () => {
    expect(classifySpan(span('GET /health', { 'http.route': '/health' }))).toEqual({});
  });
});
