import { createNoopMeter, DiagLogLevel, diag } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelMonitor, type ModelMonitor, type Prediction } from '../src/index.js';
import { createHarness, MODEL, metric } from './harness.js';
import { profile } from './profile.js';

let h: ReturnType<typeof createHarness>;
let monitor: ModelMonitor;
const warnings: string[] = [];

beforeEach(() => {
  h = createHarness();
  monitor = createModelMonitor({
    model: { name: 'loan-rejection', version: '3' },
    profile,
    meter: h.meter,
    tracer: h.tracer,
  });
  warnings.length = 0;
  diag.setLogger(
    {
      warn: (m: string) => warnings.push(m),
      error: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
});
afterEach(async () => {
  diag.disable();
  await h.shutdown();
});

async function dropped(): Promise<Record<string, number>> {
  const points = metric(await h.metrics(), 'ml.monitor.dropped')?.points ?? [];
  return Object.fromEntries(
    points.map((p) => [p.attributes['ml.monitor.drop.reason'] as string, p.value as number]),
  );
}

describe('bad input is dropped, counted and warned about — never thrown into the host', () => {
  it.each<[string, unknown, string]>([
    ['NaN score', { score: Number.NaN, label: 'approve' }, 'invalid_score'],
    ['score above 1', { score: 1.5 }, 'invalid_score'],
    ['negative score', { score: -0.1 }, 'invalid_score'],
    ['score as text', { score: '0.5' }, 'invalid_score'],
    ['class probabilities not summing to 1', { score: { a: 0.5, b: 0.6 } }, 'invalid_score'],
    ['empty class map', { score: {} }, 'invalid_score'],
    ['label as object', { score: 0.5, label: { x: 1 } }, 'invalid_label'],
    ['id as object', { id: { id: 1 }, score: 0.5 }, 'invalid_prediction'],
    ['holdout as text', { score: 0.5, holdout: 'yes' }, 'invalid_prediction'],
    ['features as a string', { score: 0.5, features: 'amount=5' }, 'invalid_prediction'],
    ['a number instead of an object', 42, 'invalid_prediction'],
    ['null', null, 'invalid_prediction'],
  ])('%s → nothing recorded, one %s drop', async (_, input, reason) => {
    expect(() => monitor.recordPrediction(input as Prediction)).not.toThrow();
    const all = await h.metrics();
    expect(metric(all, 'ml.prediction.score')).toBeUndefined();
    expect(metric(all, 'ml.feature.quantile')).toBeUndefined();
    expect(metric(all, 'ml.monitor.dropped')?.points).toEqual([
      { attributes: { ...MODEL, 'ml.monitor.drop.reason': reason }, value: 1 },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^@modelpulse/otel: dropped \\(${reason}\\): `));
  });

  it('drops a bad or unknown feature alone and records the rest of the prediction', async () => {
    monitor.recordPrediction({
      score: 0.5,
      label: 'approve',
      features: { amount: 'five', purpose: { name: 'car' }, colour: 'red', age: 3 },
    });
    const all = await h.metrics();
    expect(metric(all, 'ml.prediction.score')?.points[0]?.count).toBe(1);
    expect(metric(all, 'ml.feature.quantile')).toBeUndefined();
    expect(metric(all, 'ml.feature.category')).toBeUndefined();
    const points = metric(all, 'ml.monitor.dropped')?.points ?? [];
    expect(Object.fromEntries(points.map((p) => [p.attributes['ml.monitor.drop.reason'], p.value]))).toEqual({
      invalid_feature: 2,
      unknown_feature: 2,
    });
  });

  it('counts every profiled feature that is absent, null, NaN or empty as missing', async () => {
    monitor.recordPrediction({ score: 0.5, features: { amount: Number.NaN } });
    monitor.recordPrediction({ score: 0.5, features: { purpose: '' } });
    monitor.recordPrediction({ score: 0.5, features: {} });
    const points = metric(await h.metrics(), 'ml.feature.missing')?.points ?? [];
    expect(points.map((p) => [p.attributes['ml.feature.name'], p.value])).toEqual([
      ['amount', 3],
      ['purpose', 3],
    ]);
  });

  it('rejects infinite feature values and bad outcomes and heuristics the same way', async () => {
    monitor.recordPrediction({ score: 0.5, features: { amount: Number.POSITIVE_INFINITY, purpose: 'car' } });
    monitor.recordOutcome({ actual: undefined as unknown as string });
    monitor.recordOutcome({ actual: 'approve', score: 2 });
    monitor.recordOutcome({ actual: 'approve', predictionId: [1] as unknown as string });
    monitor.recordHeuristic('', 1);
    monitor.recordHeuristic('rank', Number.NaN);
    const points = metric(await h.metrics(), 'ml.monitor.dropped')?.points ?? [];
    expect(Object.fromEntries(points.map((p) => [p.attributes['ml.monitor.drop.reason'], p.value]))).toEqual({
      invalid_feature: 1,
      invalid_outcome: 2,
      invalid_score: 1,
      invalid_heuristic: 2,
    });
    expect(h.spans()).toEqual([]);
  });

  it('survives a throwing features getter and counts it as an internal error', async () => {
    const features = Object.defineProperty({}, 'amount', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(() => monitor.recordPrediction({ score: 0.5, features })).not.toThrow();
    expect(await dropped()).toEqual({ internal_error: 1 });
  });
});

describe('bad configuration throws at construction with the field named', () => {
  const ok = { model: { name: 'm', version: '1' } };
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'no model',
      {},
      /^createModelMonitor: options\.model must be an object with name and version, got undefined\.$/,
    ],
    [
      'empty name',
      { model: { name: '', version: '1' } },
      /options\.model\.name must be a non-empty string, got ""/,
    ],
    [
      'numeric version',
      { model: { name: 'm', version: 3 } },
      /options\.model\.version must be a non-empty string, got 3/,
    ],
    [
      'rate above 1',
      { ...ok, holdout: { rate: 1.5, salt: 's' } },
      /options\.holdout\.rate must be a number between 0 and 1, got 1\.5/,
    ],
    [
      'rate NaN',
      { ...ok, holdout: { rate: Number.NaN, salt: 's' } },
      /options\.holdout\.rate must be a number between 0 and 1, got NaN/,
    ],
    [
      'salt missing',
      { ...ok, holdout: { rate: 0.1 } },
      /options\.holdout\.salt must be a string, got undefined/,
    ],
    [
      'bad profile',
      { ...ok, profile: { format: 'x' } },
      /options\.profile is not a valid baseline profile: validateProfile: format must be "modelpulse\.profile"/,
    ],
    [
      'buckets not increasing',
      { ...ok, scoreBoundaries: [0, 0.5, 0.5, 1] },
      /options\.scoreBoundaries must be strictly increasing, but entry 2 \(0\.5\) is not above entry 1 \(0\.5\)/,
    ],
    [
      'empty buckets',
      { ...ok, durationBoundaries: [] },
      /options\.durationBoundaries must be a non-empty array of numbers/,
    ],
    [
      'bad limit',
      { ...ok, limits: { labels: 0 } },
      /options\.limits\.labels must be a whole number ≥ 1, got 0/,
    ],
    [
      'capture not a list',
      { ...ok, captureFeatures: 'amount' },
      /options\.captureFeatures must be an array of feature names/,
    ],
    [
      'holdout null',
      { ...ok, holdout: null },
      /options\.holdout must be an object with rate and salt, got null/,
    ],
    [
      'holdout a string',
      { ...ok, holdout: '0.05' },
      /options\.holdout must be an object with rate and salt, got "0\.05"/,
    ],
    ['limits a string', { ...ok, limits: 'x' }, /options\.limits must be an object, got "x"/],
    [
      'unknown limit',
      { ...ok, limits: { label: 5 } },
      /options\.limits\.label is not a limit \(labels, categories, features, heuristics\), got 5/,
    ],
    [
      'not a meter',
      { ...ok, meter: {} },
      /options\.meter must be an OpenTelemetry Meter \(it has no createHistogram\)/,
    ],
    [
      'not a tracer',
      { ...ok, tracer: {} },
      /options\.tracer must be an OpenTelemetry Tracer \(it has no startSpan\)/,
    ],
  ])('%s', (_, options, message) => {
    expect(() => createModelMonitor(options as never)).toThrow(message);
  });

  it('takes an undefined limit as its default', () => {
    expect(() => createModelMonitor({ ...ok, limits: { labels: undefined } } as never)).not.toThrow();
  });

  it('refuses a second monitor asking other buckets of the same meter, naming the first', () => {
    const provider = new MeterProvider();
    const meter = provider.getMeter('service');
    createModelMonitor({ model: { name: 'a', version: '1' }, meter });
    expect(() =>
      createModelMonitor({ model: { name: 'b', version: '1' }, meter, scoreBoundaries: [0, 0.5, 1] }),
    ).toThrow(
      /^createModelMonitor: options\.scoreBoundaries \[0, 0\.5, 1\] differ from the buckets model "a" created ml\.prediction\.score with on this meter \(\[0, 0\.05, /,
    );
    // The same buckets, or a meter of its own, are fine; so is the no-op meter of a process without an SDK.
    expect(() => createModelMonitor({ model: { name: 'c', version: '1' }, meter })).not.toThrow();
    expect(() =>
      createModelMonitor({
        model: { name: 'b', version: '1' },
        meter: provider.getMeter('service-b'),
        scoreBoundaries: [0, 0.5, 1],
      }),
    ).not.toThrow();
    const noop = createNoopMeter();
    createModelMonitor({ model: { name: 'a', version: '1' }, meter: noop });
    expect(() =>
      createModelMonitor({ model: { name: 'b', version: '1' }, meter: noop, scoreBoundaries: [0, 0.5, 1] }),
    ).not.toThrow();
  });
});
