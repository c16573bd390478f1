/**
 * recordPrediction (score + 10 numeric features with a profile + 10 categorical + span attributes)
 * against the same number of bare OpenTelemetry SDK calls with the same attributes, in the same run,
 * alternating, on real SDK providers. Reports ns per prediction and the ratio of medians. Not a test.
 *
 *   npx -y pnpm@12.4.2 --filter @modelpulse/otel bench     (BENCH_REPEATS, BENCH_ITERATIONS to tune)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProfile, createRandom, quantilePosition } from '@modelpulse/stats';
import { type Attributes, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createModelMonitor, type Prediction } from '../src/index.js';

const repeats = Number(process.env.BENCH_REPEATS ?? 7);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 100_000);
const random = createRandom(42);

// A profile with 10 numeric and 10 categorical features, and 1 000 distinct live inputs to cycle through.
const numeric = Array.from({ length: 10 }, (_, i) => `n${i}`);
const categorical = Array.from({ length: 10 }, (_, i) => `c${i}`);
const categories = ['a', 'b', 'c', 'd', 'e', 'f'];
const row = () => ({
  ...Object.fromEntries(numeric.map((f, i) => [f, Math.round(random() * 1000 * (i + 1)) / 10])),
  ...Object.fromEntries(
    categorical.map((f) => [f, categories[Math.floor(random() * categories.length)] as string]),
  ),
});
const profile = buildProfile(Array.from({ length: 20_000 }, row), {
  features: Object.fromEntries([
    ...numeric.map((f) => [f, 'numeric']),
    ...categorical.map((f) => [f, 'categorical']),
  ]),
});
const inputs = Array.from({ length: 1000 }, () => ({ features: row(), score: random() }));

const reader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const meter = new MeterProvider({ readers: [reader] }).getMeter('bench');
const tracer = new BasicTracerProvider().getTracer('bench');
const model = { 'ml.model.name': 'loan-rejection', 'ml.model.version': '3' };

const monitor = createModelMonitor({
  model: { name: 'loan-rejection', version: '3' },
  profile,
  meter,
  tracer,
});

// The baseline: the same instruments and calls, attribute objects prepared up front (the cheapest a
// hand-written integration could be), the same span attributes.
const score = meter.createHistogram('bare.prediction.score', {
  advice: { explicitBucketBoundaries: profile.quantileBoundaries },
});
const quantile = meter.createHistogram('bare.feature.quantile', {
  advice: { explicitBucketBoundaries: profile.quantileBoundaries },
});
const category = meter.createCounter('bare.feature.category');
const scoreAttributes: Attributes = { ...model, 'ml.prediction.label': 'reject', 'ml.holdout': false };
const numericAttributes = numeric.map((f) => ({ ...model, 'ml.feature.name': f }));
const categoryAttributes = categorical.map(
  (f) => new Map(categories.map((c) => [c, { ...model, 'ml.feature.name': f, 'ml.feature.category': c }])),
);

function bare(input: (typeof inputs)[number]): void {
  score.record(input.score, scoreAttributes);
  for (let i = 0; i < numeric.length; i++) {
    const name = numeric[i] as string;
    const f = profile.features[name];
    if (f?.type === 'numeric')
      quantile.record(quantilePosition(input.features[name] as number, f.knots, f.cdf), numericAttributes[i]);
  }
  for (let i = 0; i < categorical.length; i++) {
    category.add(1, categoryAttributes[i]?.get(input.features[categorical[i] as string] as string));
  }
  const span = trace.getActiveSpan();
  span?.setAttributes(model);
  span?.setAttribute('ml.holdout', false);
  span?.setAttribute('ml.prediction.score', input.score);
  span?.setAttribute('ml.prediction.label', 'reject');
}

function ours(input: (typeof inputs)[number]): void {
  monitor.recordPrediction({
    score: input.score,
    label: 'reject',
    features: input.features,
    holdout: false,
  } satisfies Prediction);
}

function measure(fn: (input: (typeof inputs)[number]) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(inputs[i % inputs.length] as (typeof inputs)[number]);
  return Number(process.hrtime.bigint() - start) / iterations;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2
    ? (s[s.length >> 1] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const span = tracer.startSpan('POST /applications');
const times = context.with(trace.setSpan(context.active(), span), () => {
  measure(bare); // warm-up (JIT)
  measure(ours);
  const t = { bare: [] as number[], ours: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    t.bare.push(measure(bare));
    t.ours.push(measure(ours));
  }
  return t;
});
span.end();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  repeats,
  iterations,
  bareNsPerPrediction: median(times.bare),
  recordPredictionNsPerPrediction: median(times.ours),
  ratio: median(times.ours) / median(times.bare),
};
writeFileSync(join(import.meta.dirname, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| benchmark | median ns per prediction |`);
console.log(`|---|---:|`);
console.log(
  `| bare SDK: 1 histogram + 10 histograms + 10 counters + 4 span attribute calls | ${result.bareNsPerPrediction.toFixed(0)} |`,
);
console.log(
  `| recordPrediction: score, 10 numeric (profile) + 10 categorical features, span attributes | ${result.recordPredictionNsPerPrediction.toFixed(0)} |`,
);
console.log(`| ratio | ${result.ratio.toFixed(2)}× |`);
