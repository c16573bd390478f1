/**
 * ModelPulseInstrumentation against a real onnxruntime-node InferenceSession running tiny ONNX models
 * written by ./onnx-model.ts, with the real OpenTelemetry SDK collecting spans and metrics in memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNIT_BOUNDARIES } from '@modelpulse/stats';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isWrapped, registerInstrumentations, type ShimWrapped } from '@opentelemetry/instrumentation';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type * as Ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultToFeatures,
  defaultToPrediction,
  ModelPulseInstrumentation,
  type OnnxFeeds,
} from '../src/instrumentation/index.js';
import { binaryClassifier, expectedScore, logisticRegression } from './onnx-model.js';

// Enabled on construction: hooks `require('onnxruntime-node')` before anything loads it. onnxruntime-node
// is CommonJS, so it is loaded with require (an ESM `import` needs the import-in-the-middle loader hook).
const instrumentation = new ModelPulseInstrumentation();
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;
/** `InferenceSession` is typed as a factory, but it is a class: `run` lives on its prototype. */
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: Ort.InferenceSession }).prototype;

/** Collects on demand (cumulative temporality). */
class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const ROW = [1, 2, 3] as const;
const SCORE = expectedScore(ROW); // σ(0.5·1 − 1.25·2 + 2·3 − 0.25) = σ(3.75) ≈ 0.977023

let spans: InMemorySpanExporter;
let reader: TestMetricReader;
let tracerProvider: BasicTracerProvider;
let dir: string;
let classifierPath: string;
const contextManager = new AsyncLocalStorageContextManager();

function row(values: readonly number[] = ROW): Record<string, Ort.Tensor> {
  return { x: new ort.Tensor('float32', Float32Array.from(values), [values.length / 3, 3]) };
}

async function metrics(): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

function points<T = Histogram>(all: MetricData[], name: string): DataPoint<T>[] {
  return (all.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<T>[];
}

function onlySpan(): ReadableSpan {
  const finished = spans.getFinishedSpans();
  expect(finished).toHaveLength(1);
  return finished[0]!;
}

/** Counts per explicit bucket of one value: bucket i holds (boundaries[i-1], boundaries[i]]. */
function bucketCountsOf(value: number, boundaries: readonly number[]): number[] {
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  const index = boundaries.findIndex((b) => value <= b);
  counts[index === -1 ? boundaries.length : index] = 1;
  return counts;
}

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-onnx-'));
  classifierPath = join(dir, 'credit-approval.onnx');
  writeFileSync(classifierPath, binaryClassifier());
});

afterAll(() => {
  context.disable();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.stubEnv('MODELPULSE_MODEL_NAME', '');
  vi.stubEnv('MODELPULSE_MODEL_VERSION', '');
  vi.stubEnv('MODELPULSE_CAPTURE_FEATURES', '');
  spans = new InMemorySpanExporter();
  reader = new TestMetricReader();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  instrumentation.setConfig({});
  // What NodeSDK does with its providers: the instrumentation's meter and tracer follow them.
  registerInstrumentations({
    instrumentations: [instrumentation],
    tracerProvider,
    meterProvider: new MeterProvider({ readers: [reader] }),
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ModelPulseInstrumentation on a real InferenceSession', () => {
  it('records an ml.predict span, the score and duration histograms and the features of a run', async () => {
    instrumentation.setConfig({
      model: { name: 'loan-rejection', version: '3' },
      toFeatures: (feeds) => {
        const [income, debt, age] = (feeds.x?.data ?? []) as Float32Array;
        return { income, debt, age };
      },
    });
    const session = await ort.InferenceSession.create(logisticRegression());
    const parent = tracerProvider.getTracer('test').startSpan('POST /applications');

    const outputs = await context.with(trace.setSpan(context.active(), parent), () => session.run(row()));
    parent.end();

    // The caller gets the session's own result.
    expect(outputs.p?.dims).toEqual([1, 1]);
    expect(Math.abs(Number(outputs.p?.data[0]) - SCORE)).toBeLessThan(1e-6);

    const [predict, request] = spans.getFinishedSpans();
    expect(request?.name).toBe('POST /applications');
    expect(predict?.name).toBe('ml.predict loan-rejection');
    expect(predict?.kind).toBe(SpanKind.INTERNAL);
    expect(predict?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(predict?.instrumentationScope.name).toBe('@modelpulse/otel');
    expect(predict?.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(predict?.events).toEqual([]);
    expect(predict?.attributes).toEqual({
      'ml.model.name': 'loan-rejection',
      'ml.model.version': '3',
      'ml.holdout': false,
      'ml.prediction.score': expect.any(Number),
    });
    expect(Math.abs(Number(predict?.attributes['ml.prediction.score']) - SCORE)).toBeLessThan(1e-6);

    const all = await metrics();
    const model = { 'ml.model.name': 'loan-rejection', 'ml.model.version': '3' };
    const [score, ...moreScores] = points(all, 'ml.prediction.score');
    expect(moreScores).toEqual([]);
    expect(score?.attributes).toEqual({ ...model, 'ml.holdout': false });
    expect(score?.value.count).toBe(1);
    expect(Math.abs((score?.value.sum ?? 0) - SCORE)).toBeLessThan(1e-6);
    expect(score?.value.buckets.boundaries).toEqual([...UNIT_BOUNDARIES]);
    expect(score?.value.buckets.counts).toEqual(bucketCountsOf(SCORE, UNIT_BOUNDARIES));
    expect(score?.value.buckets.counts.at(-2)).toBe(1); // (0.95, 1]

    const duration = points(all, 'ml.prediction.duration');
    expect(duration.map((p) => [p.attributes, p.value.count])).toEqual([[model, 1]]);
    expect(duration[0]?.value.sum).toBeGreaterThan(0);

    const features = points(all, 'ml.feature.value').map((p) => [
      p.attributes['ml.feature.name'],
      p.value.sum,
    ]);
    expect(features.sort()).toEqual([
      ['age', 3],
      ['debt', 2],
      ['income', 1],
    ]);
  });

  it('reads a classifier’s [1, 2] probabilities and label, and names the model after its file', async () => {
    const session = await ort.InferenceSession.create(classifierPath);
    const outputs = await session.run(row());
    expect(outputs.label?.data[0]).toBe(1n);

    const span = onlySpan();
    expect(span.name).toBe('ml.predict credit-approval');
    expect(span.attributes).toEqual({
      'ml.model.name': 'credit-approval',
      'ml.model.version': 'unknown',
      'ml.holdout': false,
      'ml.prediction.score': expect.any(Number),
      'ml.prediction.label': '1',
    });
    expect(Math.abs(Number(span.attributes['ml.prediction.score']) - SCORE)).toBeLessThan(1e-6);

    const [score] = points(await metrics(), 'ml.prediction.score');
    expect(score?.attributes).toEqual({
      'ml.model.name': 'credit-approval',
      'ml.model.version': 'unknown',
      'ml.prediction.label': '1',
      'ml.holdout': false,
    });
    expect(score?.value.buckets.counts).toEqual(bucketCountsOf(SCORE, UNIT_BOUNDARIES));
  });

  it('takes the model version and name from MODELPULSE_MODEL_* when the config leaves them out', async () => {
    vi.stubEnv('MODELPULSE_MODEL_NAME', 'loan-rejection');
    vi.stubEnv('MODELPULSE_MODEL_VERSION', '7');
    instrumentation.setConfig({ model: { version: '8' } });
    const session = await ort.InferenceSession.create(classifierPath);
    await session.run(row());
    expect(onlySpan().attributes).toMatchObject({
      'ml.model.name': 'loan-rejection',
      'ml.model.version': '8',
    });
  });

  it('names models per session with a resolver, called once per session', async () => {
    const resolver = vi.fn((session: { outputNames: readonly string[] }, info: { modelPath?: string }) => ({
      name: session.outputNames.includes('probabilities') ? 'classifier' : 'regression',
      version: info.modelPath === undefined ? 'buffer' : 'file',
    }));
    instrumentation.setConfig({ model: resolver });
    const fromBuffer = await ort.InferenceSession.create(logisticRegression());
    const fromFile = await ort.InferenceSession.create(classifierPath);
    await fromBuffer.run(row());
    await fromFile.run(row());
    await fromFile.run(row());

    const names = spans.getFinishedSpans().map((s) => [s.name, s.attributes['ml.model.version']]);
    expect(names).toEqual([
      ['ml.predict regression', 'buffer'],
      ['ml.predict classifier', 'file'],
      ['ml.predict classifier', 'file'],
    ]);
    expect(resolver).toHaveBeenCalledTimes(2);
    expect(resolver.mock.calls[1]?.[1]).toEqual({ modelPath: classifierPath });
  });

  it('records the span and duration but no prediction for a batch of several rows', async () => {
    const session = await ort.InferenceSession.create(logisticRegression());
    const outputs = await session.run(row([1, 2, 3, 0.5, 0.1, -1]));
    expect(outputs.p?.dims).toEqual([2, 1]);

    const span = onlySpan();
    expect(span.name).toBe('ml.predict onnx');
    expect(span.attributes).toEqual({ 'ml.model.name': 'onnx', 'ml.model.version': 'unknown' });
    const all = await metrics();
    expect(points(all, 'ml.prediction.score')).toEqual([]);
    expect(points(all, 'ml.prediction.duration').map((p) => p.value.count)).toEqual([1]);
  });

  it('records a failing run as an error and re-throws onnxruntime’s own error unchanged', async () => {
    const session = await ort.InferenceSession.create(logisticRegression());
    const bad = { wrong: new ort.Tensor('float32', Float32Array.from(ROW), [1, 3]) };

    const error = (await session.run(bad).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    // What the unpatched run throws for the same call: same class, message and throwing frame.
    const original = (sessionPrototype.run as unknown as ShimWrapped).__original;
    const plain = (await original.call(session, bad).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.constructor).toBe(plain.constructor);
    expect(error.message).toBe("input 'x' is missing in 'feeds'.");
    expect(error.message).toBe(plain.message);
    expect(error.stack?.split('\n').slice(0, 2)).toEqual(plain.stack?.split('\n').slice(0, 2));
    expect(error.stack?.split('\n')[1]).toContain('inference-session-impl');

    const span = onlySpan();
    expect(span.name).toBe('ml.predict onnx');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span.attributes).toEqual({
      'ml.model.name': 'onnx',
      'ml.model.version': 'unknown',
      'error.type': 'Error',
    });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', error.message],
    ]);

    const all = await metrics();
    expect(points(all, 'ml.prediction.score')).toEqual([]);
    const duration = points(all, 'ml.prediction.duration');
    expect(duration.map((p) => [p.attributes, p.value.count])).toEqual([
      [{ 'ml.model.name': 'onnx', 'ml.model.version': 'unknown', 'error.type': 'Error' }, 1],
    ]);
  });

  it('never lets a throwing toPrediction reach the caller: the drop is counted instead', async () => {
    instrumentation.setConfig({
      toPrediction: () => {
        throw new Error('mapping bug');
      },
    });
    const session = await ort.InferenceSession.create(logisticRegression());
    const outputs = await session.run(row());
    expect(Math.abs(Number(outputs.p?.data[0]) - SCORE)).toBeLessThan(1e-6);

    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ml.prediction.score']).toBeUndefined();
    const all = await metrics();
    expect(points(all, 'ml.prediction.duration').map((p) => p.value.count)).toEqual([1]);
    const dropped = points<number>(all, 'ml.monitor.dropped').map((p) => [
      p.attributes['ml.monitor.drop.reason'],
      p.value,
    ]);
    expect(dropped).toEqual([['internal_error', 1]]);
  });

  it('follows the providers set after its monitors were built', async () => {
    const session = await ort.InferenceSession.create(logisticRegression());
    await session.run(row());
    const before = spans;
    const after = new InMemorySpanExporter();
    instrumentation.setTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(after)] }),
    );
    await session.run(row());
    expect(before.getFinishedSpans()).toHaveLength(1);
    expect(after.getFinishedSpans().map((s) => s.name)).toEqual(['ml.predict onnx']);
  });

  it('disable() restores the original run and create; enable() patches them again', async () => {
    const session = await ort.InferenceSession.create(logisticRegression());
    const { InferenceSession } = ort;
    expect(isWrapped(sessionPrototype.run)).toBe(true);
    expect(isWrapped(InferenceSession.create)).toBe(true);
    const originalRun = (sessionPrototype.run as unknown as ShimWrapped).__original;
    const originalCreate = (InferenceSession.create as unknown as ShimWrapped).__original;

    instrumentation.disable();
    try {
      expect(sessionPrototype.run).toBe(originalRun);
      expect(InferenceSession.create).toBe(originalCreate);
      expect(Object.getOwnPropertyDescriptor(sessionPrototype, 'run')).toMatchObject({
        enumerable: false,
        writable: true,
        configurable: true,
      });
      const outputs = await session.run(row());
      expect(Math.abs(Number(outputs.p?.data[0]) - SCORE)).toBeLessThan(1e-6);
      expect(spans.getFinishedSpans()).toEqual([]);
    } finally {
      instrumentation.enable();
    }
    expect(isWrapped(sessionPrototype.run)).toBe(true);
    await session.run(row());
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['ml.predict onnx']);
  });

  it('rejects an invalid config at construction with a sentence naming the field', () => {
    expect(() => new ModelPulseInstrumentation({ enabled: false, model: { name: '' } })).toThrow(
      'ModelPulseInstrumentation: config.model.name must be a non-empty string, got "".',
    );
    expect(() => new ModelPulseInstrumentation({ enabled: false, holdout: { rate: 2, salt: 's' } })).toThrow(
      /^ModelPulseInstrumentation: config\.holdout\.rate must be a number between 0 and 1, got 2\.$/,
    );
    expect(
      () =>
        new ModelPulseInstrumentation({
          enabled: false,
          toPrediction: 'score' as unknown as () => undefined,
        }),
    ).toThrow('ModelPulseInstrumentation: config.toPrediction must be a function, got string.');
  });
});

describe('defaultToPrediction', () => {
  const tensor = (type: 'float32' | 'int64', values: number[], dims: number[]) =>
    type === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims)
      : new ort.Tensor('float32', Float32Array.from(values), dims);

  it('reads one probability, a [1, 2] pair (class 1) or a class distribution of a single row', () => {
    expect(defaultToPrediction({ p: tensor('float32', [0.25], [1]) })).toEqual({ score: 0.25 });
    expect(defaultToPrediction({ probabilities: tensor('float32', [0.75, 0.25], [1, 2]) })).toEqual({
      score: 0.25,
    });
    const multi = defaultToPrediction({
      label: tensor('int64', [2], [1]),
      probabilities: tensor('float32', [0.25, 0.25, 0.5], [1, 3]),
    });
    expect(multi).toEqual({ score: { '0': 0.25, '1': 0.25, '2': 0.5 }, label: 2 });
  });

  it('prefers the output named like probabilities when there are several float outputs', () => {
    const outputs = {
      logits: tensor('float32', [3, -3], [1, 2]),
      probabilities: tensor('float32', [0.5, 0.5], [1, 2]),
    };
    expect(defaultToPrediction(outputs)).toEqual({ score: 0.5 });
  });

  it('records nothing it cannot read as a probability of one row', () => {
    expect(defaultToPrediction({ y: tensor('float32', [1234.5], [1, 1]) })).toBeUndefined(); // regression
    expect(defaultToPrediction({ logits: tensor('float32', [2, -1], [1, 2]) })).toBeUndefined();
    expect(defaultToPrediction({ p: tensor('float32', [0.1, 0.9], [2, 1]) })).toBeUndefined(); // batch
    expect(
      defaultToPrediction({ a: tensor('float32', [0.1], [1]), b: tensor('float32', [0.2], [1]) }),
    ).toBeUndefined();
    expect(defaultToPrediction({ label: tensor('int64', [1], [1]) })).toBeUndefined();
  });
});

describe('defaultToFeatures', () => {
  it('names single-element inputs after the input and skips matrices', () => {
    const feeds: OnnxFeeds = {
      amount: new ort.Tensor('float32', Float32Array.from([1200]), [1, 1]),
      purpose: new ort.Tensor('string', ['car'], [1, 1]),
      age: new ort.Tensor('int64', BigInt64Array.from([41n]), [1, 1]),
      matrix: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [1, 3]),
    };
    const features: Attributes | undefined = defaultToFeatures(feeds) as Attributes | undefined;
    expect(features).toEqual({ amount: 1200, purpose: 'car', age: 41 });
    expect(defaultToFeatures({ matrix: feeds.matrix! })).toBeUndefined();
  });
});
