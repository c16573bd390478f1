import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelMonitor, type ModelMonitor } from '../src/index.js';
import { createHarness, MODEL, metric } from './harness.js';
import { profile } from './profile.js';

let h: ReturnType<typeof createHarness>;
let monitor: ModelMonitor;

beforeEach(() => {
  h = createHarness();
  monitor = createModelMonitor({
    model: { name: 'loan-rejection', version: '3' },
    profile,
    meter: h.meter,
    tracer: h.tracer,
  });
});
afterEach(() => h.shutdown());

class ModelUnavailable extends Error {}

describe('wrap', () => {
  it('records span, duration and prediction for a synchronous model, passing this and arguments through', async () => {
    const model = {
      bias: 0.25,
      predict(amount: number) {
        return { score: 0.5 + this.bias, label: 'reject', features: { amount } };
      },
    };
    const predict = monitor.wrap(model.predict);
    const result = predict.call(model, 5);
    expect(result).toEqual({ score: 0.75, label: 'reject', features: { amount: 5 } });
    expect(h.spans()).toEqual([
      {
        name: 'ml.predict loan-rejection',
        attributes: {
          ...MODEL,
          'ml.holdout': false,
          'ml.prediction.score': 0.75,
          'ml.prediction.label': 'reject',
        },
        status: { code: 0 },
        events: [],
      },
    ]);
    const all = await h.metrics();
    expect(metric(all, 'ml.prediction.duration')).toMatchObject({
      unit: 's',
      points: [{ attributes: MODEL, count: 1 }],
    });
    expect(metric(all, 'ml.prediction.duration')?.points[0]?.buckets?.boundaries[0]).toBe(0.0005);
    expect(metric(all, 'ml.prediction.score')?.points[0]).toMatchObject({ count: 1, sum: 0.75 });
    expect(metric(all, 'ml.feature.quantile')?.points[0]).toMatchObject({ count: 1, sum: 0.375 });
  });

  it('waits for an async model and maps its result with toPrediction', async () => {
    const predict = monitor.wrap(
      async (application: { id: string; amount: number }) => 0.3 + application.amount / 100,
      {
        toPrediction: (score, [application]) => ({
          id: application.id,
          score,
          label: score > 0.5 ? 'reject' : 'approve',
          features: { amount: application.amount },
        }),
      },
    );
    await expect(predict({ id: 'a-9', amount: 10 })).resolves.toBeCloseTo(0.4, 15);
    expect(h.spans()[0]?.attributes).toEqual({
      ...MODEL,
      'ml.holdout': false,
      'ml.prediction.id': 'a-9',
      'ml.prediction.score': 0.4,
      'ml.prediction.label': 'approve',
    });
  });

  it('makes the ml.predict span the active parent inside the model call', async () => {
    const predict = monitor.wrap(() => {
      h.tracer.startSpan('inside').end();
      return 0.5;
    });
    const { context } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    predict();
    context.disable();
    const [inside, outer] = h.spans();
    expect(inside?.name).toBe('inside');
    expect(outer?.name).toBe('ml.predict loan-rejection');
    expect(inside?.parent).toBeDefined();
  });

  it('re-throws the original error unchanged and records error.type on span and duration', async () => {
    const failure = new ModelUnavailable('weights not loaded');
    const predict = monitor.wrap((): number => {
      throw failure;
    });
    let caught: unknown;
    try {
      predict();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(failure);
    expect(h.spans()).toEqual([
      {
        name: 'ml.predict loan-rejection',
        attributes: { ...MODEL, 'error.type': 'ModelUnavailable' },
        status: { code: 2, message: 'weights not loaded' },
        events: ['exception'],
      },
    ]);
    const all = await h.metrics();
    expect(metric(all, 'ml.prediction.duration')?.points).toMatchObject([
      { attributes: { ...MODEL, 'error.type': 'ModelUnavailable' }, count: 1 },
    ]);
    expect(metric(all, 'ml.prediction.score')).toBeUndefined();
  });

  it('passes an async rejection through as the same error', async () => {
    const failure = new TypeError('bad tensor');
    const predict = monitor.wrap(async () => {
      throw failure;
    });
    await expect(predict()).rejects.toBe(failure);
    expect(h.spans()[0]?.attributes['error.type']).toBe('TypeError');
  });

  it('never lets a throwing toPrediction reach the caller', async () => {
    const predict = monitor.wrap(() => 0.7, {
      toPrediction: () => {
        throw new Error('mapping bug');
      },
    });
    expect(predict()).toBe(0.7);
    const points = metric(await h.metrics(), 'ml.monitor.dropped')?.points ?? [];
    expect(points).toEqual([
      { attributes: { ...MODEL, 'ml.monitor.drop.reason': 'internal_error' }, value: 1 },
    ]);
    expect(h.spans()).toHaveLength(1);
  });

  it('records only span and duration for a result that is neither a number nor a prediction', async () => {
    const predict = monitor.wrap(() => 'reject');
    expect(predict()).toBe('reject');
    const all = await h.metrics();
    expect(metric(all, 'ml.prediction.score')).toBeUndefined();
    expect(metric(all, 'ml.prediction.duration')?.points[0]?.count).toBe(1);
  });

  it('returns the very promise the model returned, own properties and all', async () => {
    const promise = Object.assign(Promise.resolve(0.4), { requestId: 'r-1' });
    const predict = monitor.wrap(() => promise);
    const returned = predict();
    expect(returned).toBe(promise);
    expect(returned.requestId).toBe('r-1');
    await returned;
    expect(metric(await h.metrics(), 'ml.prediction.score')?.points[0]?.count).toBe(1);
  });

  it('calls a thenable that is not a promise once, and returns a promise of its value', async () => {
    let calls = 0;
    const query = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a promise is the case under test
      then(resolve: (value: number) => void) {
        calls++; // a query builder would run its query here
        resolve(0.6);
      },
    };
    const predict = monitor.wrap(() => query);
    expect(await predict()).toBe(0.6);
    expect(calls).toBe(1);
    expect(metric(await h.metrics(), 'ml.prediction.score')?.points[0]?.sum).toBe(0.6);
  });

  it('records a thrown non-Error, undefined included, as error.type _OTHER without an exception event', async () => {
    const predict = monitor.wrap((): number => {
      throw undefined;
    });
    expect(() => predict()).toThrow();
    expect(h.spans()).toEqual([
      {
        name: 'ml.predict loan-rejection',
        attributes: { ...MODEL, 'error.type': '_OTHER' },
        status: { code: 2, message: 'undefined' },
        events: [],
      },
    ]);
  });

  it("keeps the model function's name", () => {
    function scoreApplication(): number {
      return 0.5;
    }
    expect(monitor.wrap(scoreApplication).name).toBe('scoreApplication');
  });

  it("records scores on the profile's own score buckets when no scoreBoundaries are given", async () => {
    const { buildProfile } = await import('@modelpulse/stats');
    const coarse = buildProfile(
      { columns: { s: [0.1, 0.6, 0.9], y: ['a', 'b', 'a'] } },
      { features: {}, label: 'y', score: 's', scoreBoundaries: [0, 0.5, 1] },
    );
    const own = createHarness();
    try {
      const m = createModelMonitor({
        model: { name: 'coarse', version: '1' },
        profile: coarse,
        meter: own.meter,
      });
      m.recordPrediction({ score: 0.6 });
      const point = metric(await own.metrics(), 'ml.prediction.score')?.points[0];
      expect(point?.buckets).toEqual({ boundaries: [0, 0.5, 1], counts: [0, 0, 1, 0] });
    } finally {
      await own.shutdown();
    }
  });
});
