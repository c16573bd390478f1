import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelMonitor, type ModelMonitor } from '../src/index.js';
import { bucketCounts, createHarness, MODEL, metric } from './harness.js';
import { profile } from './profile.js';

const UNIT = Array.from({ length: 21 }, (_, k) => k / 20);
let h: ReturnType<typeof createHarness>;
let monitor: ModelMonitor;

beforeEach(() => {
  h = createHarness();
  monitor = createModelMonitor({
    model: { name: 'loan-rejection', version: '3' },
    profile,
    holdout: { rate: 0.05, salt: 'loan-2026' },
    meter: h.meter,
    tracer: h.tracer,
  });
});
afterEach(() => h.shutdown());

describe('binary predictions with a profile', () => {
  it('exports exactly the promised metrics, units, attributes and buckets', async () => {
    monitor.recordPrediction({
      id: 'a-1',
      score: 0.82,
      label: 'reject',
      features: { amount: 5, purpose: 'car' },
      holdout: false,
    });
    monitor.recordPrediction({
      id: 'a-2',
      score: 0.1,
      label: 'approve',
      features: { amount: 20, purpose: 'boat' },
      holdout: true,
    });
    monitor.recordPrediction({
      id: 'a-3',
      score: 1,
      label: 'approve',
      features: { amount: -10, purpose: null },
      holdout: false,
    });
    monitor.recordPrediction({
      id: 'a-4',
      score: 0,
      label: 'approve',
      features: { amount: 40 },
      holdout: false,
    });
    const all = await h.metrics();
    expect(all.map((m) => [m.name, m.kind, m.unit])).toEqual([
      ['ml.feature.category', 'counter', '{value}'],
      ['ml.feature.missing', 'counter', '{value}'],
      ['ml.feature.quantile', 'histogram', '1'],
      ['ml.prediction.score', 'histogram', '1'],
    ]);
    expect(metric(all, 'ml.prediction.score')?.points).toEqual([
      {
        attributes: { ...MODEL, 'ml.prediction.label': 'approve', 'ml.holdout': false },
        count: 2,
        sum: 1,
        min: 0,
        max: 1,
        // OTel buckets are upper-inclusive: 0 falls in (−∞, 0], 1 in (0.95, 1].
        buckets: { boundaries: UNIT, counts: bucketCounts(22, { 0: 1, 20: 1 }) },
      },
      {
        attributes: { ...MODEL, 'ml.prediction.label': 'approve', 'ml.holdout': true },
        count: 1,
        sum: 0.1,
        min: 0.1,
        max: 0.1,
        buckets: { boundaries: UNIT, counts: bucketCounts(22, { 2: 1 }) },
      },
      {
        attributes: { ...MODEL, 'ml.prediction.label': 'reject', 'ml.holdout': false },
        count: 1,
        sum: 0.82,
        min: 0.82,
        max: 0.82,
        buckets: { boundaries: UNIT, counts: bucketCounts(22, { 17: 1 }) },
      },
    ]);
    expect(metric(all, 'ml.feature.quantile')?.points).toEqual([
      {
        attributes: { ...MODEL, 'ml.feature.name': 'amount' },
        count: 4,
        sum: 0.375 + 1 + 0 + 2,
        min: 0,
        max: 2,
        buckets: { boundaries: UNIT, counts: bucketCounts(22, { 0: 1, 8: 1, 20: 1, 21: 1 }) },
      },
    ]);
    expect(metric(all, 'ml.feature.category')?.points).toEqual([
      {
        attributes: { ...MODEL, 'ml.feature.name': 'purpose', 'ml.feature.category': '__other__' },
        value: 1,
      },
      { attributes: { ...MODEL, 'ml.feature.name': 'purpose', 'ml.feature.category': 'car' }, value: 1 },
    ]);
    // null and absent both count as missing.
    expect(metric(all, 'ml.feature.missing')?.points).toEqual([
      { attributes: { ...MODEL, 'ml.feature.name': 'purpose' }, value: 2 },
    ]);
  });

  it('bounds labels by the profile: unknown labels become __other__', async () => {
    monitor.recordPrediction({ score: 0.5, label: 'maybe', holdout: false });
    const points = metric(await h.metrics(), 'ml.prediction.score')?.points ?? [];
    expect(points.map((p) => p.attributes['ml.prediction.label'])).toEqual(['__other__']);
  });

  it('puts the span attributes on the active span, feature values only when allow-listed', async () => {
    const capturing = createModelMonitor({
      model: { name: 'loan-rejection', version: '3' },
      profile,
      meter: h.meter,
      tracer: h.tracer,
      captureFeatures: ['purpose'],
    });
    const span = h.tracer.startSpan('POST /applications');
    const { context, trace } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    context.with(trace.setSpan(context.active(), span), () => {
      capturing.recordPrediction({
        id: 17,
        score: 0.82,
        label: 'reject',
        features: { amount: 5, purpose: 'car' },
        holdout: true,
      });
    });
    span.end();
    context.disable();
    expect(h.spans()).toEqual([
      {
        name: 'POST /applications',
        attributes: {
          ...MODEL,
          'ml.prediction.id': '17',
          'ml.prediction.score': 0.82,
          'ml.prediction.label': 'reject',
          'ml.holdout': true,
          'ml.input.purpose': 'car',
        },
        status: { code: 0 },
        events: [],
      },
    ]);
  });
});

describe('multi-class predictions', () => {
  it('records the top class probability under the top class when no label is given', async () => {
    const multi = createModelMonitor({
      model: { name: 'intent', version: '1' },
      meter: h.meter,
      tracer: h.tracer,
    });
    multi.recordPrediction({ score: { billing: 0.2, cancel: 0.7, other: 0.1 } });
    multi.recordPrediction({ score: { billing: 0.6, cancel: 0.3, other: 0.1 }, label: 'billing' });
    const points = metric(await h.metrics(), 'ml.prediction.score')?.points ?? [];
    expect(points.map((p) => [p.attributes['ml.prediction.label'], p.sum])).toEqual([
      ['billing', 0.6],
      ['cancel', 0.7],
    ]);
    expect(
      points.every((p) => p.attributes['ml.holdout'] === false && p.attributes['ml.model.name'] === 'intent'),
    ).toBe(true);
  });
});

describe('without a profile', () => {
  it('records numeric features raw as ml.feature.value and bounds categories per feature', async () => {
    const bare = createModelMonitor({
      model: { name: 'm', version: '1' },
      meter: h.meter,
      tracer: h.tracer,
      limits: { categories: 3 },
      captureFeatures: ['city'], // string values become attributes only when allowed
    });
    for (let i = 0; i < 10_000; i++)
      bare.recordPrediction({ score: 0.5, features: { city: `city-${i}`, income: i } });
    const all = await h.metrics();
    const value = metric(all, 'ml.feature.value')?.points[0];
    expect(value).toMatchObject({
      attributes: { 'ml.model.name': 'm', 'ml.model.version': '1', 'ml.feature.name': 'income' },
      count: 10_000,
      sum: 49_995_000,
      min: 0,
      max: 9_999,
    });
    // 10 000 distinct values, 3 + 1 series.
    expect(
      metric(all, 'ml.feature.category')?.points.map((p) => [p.attributes['ml.feature.category'], p.value]),
    ).toEqual([
      ['__other__', 9_997],
      ['city-0', 1],
      ['city-1', 1],
      ['city-2', 1],
    ]);
  });

  it('keeps string values out of metric attributes unless allowed, and counts negative raw values it cannot record', async () => {
    const bare = createModelMonitor({ model: { name: 'm', version: '1' }, meter: h.meter, tracer: h.tracer });
    bare.recordPrediction({ score: 0.5, features: { email: 'ann@example.com', member: true, balance: -10 } });
    const all = await h.metrics();
    expect(
      metric(all, 'ml.feature.category')?.points.map((p) => [
        p.attributes['ml.feature.name'],
        p.attributes['ml.feature.category'],
      ]),
    ).toEqual([['member', 'true']]);
    expect(metric(all, 'ml.feature.value')).toBeUndefined();
    expect(metric(all, 'ml.monitor.dropped')?.points).toEqual([
      {
        attributes: {
          'ml.model.name': 'm',
          'ml.model.version': '1',
          'ml.monitor.drop.reason': 'invalid_feature',
        },
        value: 1,
      },
    ]);
    expect(JSON.stringify(all)).not.toContain('ann@example.com');
  });
});

describe('outcomes', () => {
  it('counts the confusion cell and records the calibration score, with no span without an id', async () => {
    monitor.recordOutcome({ predicted: 'reject', actual: 'approve', score: 0.82, holdout: true });
    monitor.recordOutcome({ predicted: 'reject', actual: 'approve', score: 0.61, holdout: true });
    const all = await h.metrics();
    expect(metric(all, 'ml.outcome')?.points).toEqual([
      {
        attributes: {
          ...MODEL,
          'ml.prediction.label': 'reject',
          'ml.outcome.label': 'approve',
          'ml.holdout': true,
        },
        value: 2,
      },
    ]);
    expect(metric(all, 'ml.outcome.score')?.points).toEqual([
      {
        attributes: { ...MODEL, 'ml.outcome.label': 'approve', 'ml.holdout': true },
        count: 2,
        sum: 0.82 + 0.61,
        min: 0.61,
        max: 0.82,
        buckets: { boundaries: UNIT, counts: bucketCounts(22, { 13: 1, 17: 1 }) },
      },
    ]);
    expect(h.spans()).toEqual([]);
  });

  it('emits the short ml.outcome span for the join by id, defaulting holdout to the id’s hash', async () => {
    monitor.recordOutcome({ predictionId: 'a-1', actual: 'approve' });
    expect(h.spans()).toEqual([
      {
        name: 'ml.outcome loan-rejection',
        attributes: {
          ...MODEL,
          'ml.prediction.id': 'a-1',
          'ml.outcome.label': 'approve',
          'ml.holdout': monitor.isHoldout('a-1'),
        },
        status: { code: 0 },
        events: [],
      },
    ]);
    expect(metric(await h.metrics(), 'ml.outcome')?.points).toEqual([
      {
        attributes: { ...MODEL, 'ml.outcome.label': 'approve', 'ml.holdout': monitor.isHoldout('a-1') },
        value: 1,
      },
    ]);
  });
});

describe('heuristics', () => {
  it('records each named heuristic as a histogram and bounds the names', async () => {
    const m = createModelMonitor({
      model: { name: 'recs', version: '2' },
      meter: h.meter,
      tracer: h.tracer,
      limits: { heuristics: 1 },
    });
    m.recordHeuristic('favourite_item_rank', 3);
    m.recordHeuristic('favourite_item_rank', 5);
    m.recordHeuristic('second_name', 1);
    const all = await h.metrics();
    expect(metric(all, 'ml.heuristic')?.points).toMatchObject([
      {
        attributes: {
          'ml.model.name': 'recs',
          'ml.model.version': '2',
          'ml.heuristic.name': 'favourite_item_rank',
        },
        count: 2,
        sum: 8,
      },
    ]);
    expect(metric(all, 'ml.monitor.dropped')?.points).toEqual([
      {
        attributes: {
          'ml.model.name': 'recs',
          'ml.model.version': '2',
          'ml.monitor.drop.reason': 'too_many_heuristics',
        },
        value: 1,
      },
    ]);
  });
});
