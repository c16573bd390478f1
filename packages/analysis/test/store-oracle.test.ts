import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import { decodeMetricsRequest } from '../src/receive/otlp/index.js';
import { Store } from '../src/store/index.js';
import { otlpJsonBody } from './otlp-json.js';

/**
 * The store against the meaning of OTLP temporality, not against itself: services record into
 * histograms and counters, export them (cumulative or delta, switching on restart), retry any earlier
 * export, restart (a new start time, unexported measurements lost), while the store checkpoints and is
 * reopened. Whatever the order, the stored sums must equal what the services exported, exactly: every
 * measurement counted once if it left its process, never if it did not.
 */

const T0 = 1_800_000_000_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const SLOTS = 3;
const BUCKETS = 3;
const INSTANCES = ['a', 'b'] as const;

type Temporality = 'cumulative' | 'delta';
type Op =
  | { kind: 'record'; instance: number; slot: number; bucket: number; times: number; counter: number }
  | { kind: 'export'; instance: number; advance: number; logged: boolean }
  | { kind: 'retry'; instance: number; which: number; logged: boolean }
  | { kind: 'restart'; instance: number; advance: number; temporality: Temporality }
  | { kind: 'checkpoint' }
  | { kind: 'reopen' };

const instance = fc.integer({ min: 0, max: INSTANCES.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      instance,
      slot: fc.integer({ min: 0, max: SLOTS - 1 }),
      bucket: fc.integer({ min: 0, max: BUCKETS - 1 }),
      times: fc.integer({ min: 1, max: 4 }),
      counter: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('export' as const),
      instance,
      // Up to two minutes: exports land in several time buckets and hours of stream groups apart.
      advance: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 120_000 })),
      logged: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retry' as const),
      instance,
      which: fc.nat(),
      logged: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      instance,
      advance: fc.integer({ min: 1, max: 3_700_000 }),
      temporality: fc.constantFrom<Temporality>('cumulative', 'delta'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** What one series has measured in the current life of its process. */
interface SeriesState {
  /** since the process started: what a cumulative export reports */
  total: { counts: number[]; counter: number };
  /** since the last export: what a delta export reports, and what the next export adds to the oracle */
  pending: { counts: number[]; counter: number };
  recorded: boolean;
}

/** One process of a service instance, as its OpenTelemetry SDK sees it. */
class Life {
  readonly series: SeriesState[] = Array.from({ length: SLOTS }, () => ({
    total: { counts: new Array(BUCKETS).fill(0), counter: 0 },
    pending: { counts: new Array(BUCKETS).fill(0), counter: 0 },
    recorded: false,
  }));
  lastExportMs: number;

  constructor(
    readonly startMs: number,
    readonly temporality: Temporality,
  ) {
    this.lastExportMs = startMs;
  }
}

const sumOf = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
/** The recorded values are the bucket's number (1, 2, 3): every sum is a whole number, exact. */
const valueSum = (counts: number[]) => counts.reduce((a, c, i) => a + c * (i + 1), 0);

function exportRequest(name: string, life: Life, nowMs: number): MetricsRequest {
  const histograms: HistogramPoint[] = [];
  const counters: NumberPoint[] = [];
  life.series.forEach((s, slot) => {
    if (!s.recorded) return;
    const cumulative = life.temporality === 'cumulative';
    const { counts, counter } = cumulative ? s.total : s.pending;
    // A delta exporter sends only the series measured since its last export.
    if (!cumulative && sumOf(counts) === 0 && counter === 0) return;
    const attributes = { 'ml.model.name': 'loan', 'ml.model.version': '1', 'ml.feature.name': `f${slot}` };
    const startTimeUnixNano = ns(cumulative ? life.startMs : life.lastExportMs);
    const timeUnixNano = ns(nowMs);
    histograms.push({
      attributes,
      startTimeUnixNano,
      timeUnixNano,
      count: sumOf(counts),
      sum: valueSum(counts),
      bounds: [1.5, 2.5],
      counts: [...counts],
      exemplars: [],
    });
    counters.push({ attributes, startTimeUnixNano, timeUnixNano, value: counter });
  });
  const { temporality } = life;
  const metrics: Metric[] = [
    {
      name: 'ml.feature.quantile',
      unit: '1',
      description: '',
      type: 'histogram',
      temporality,
      points: histograms,
    },
    {
      name: 'ml.feature.missing',
      unit: '1',
      description: '',
      type: 'sum',
      temporality,
      monotonic: true,
      points: counters,
    },
  ];
  return {
    resourceMetrics: [
      {
        resource: { 'service.name': 'svc', 'service.instance.id': name },
        scopeMetrics: [
          {
            scope: { name: '@modelpulse/otel', version: '1' },
            metrics,
          },
        ],
      },
    ],
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-oracle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stored sums against what services exported', () => {
  it('count every exported measurement once, through retries, restarts, checkpoints and reopening', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 5, maxLength: 50 }),
        fc.constantFrom<Temporality>('cumulative', 'delta'),
        fc.constantFrom(1_000, 60_000),
        (ops, firstTemporality, bucketMs) => {
          const options = { path: join(dir, `o${run++}.db`), bucketMs, retentionMs: 30 * 86_400_000 };
          let store = Store.open(options);
          let now = T0;
          const lives = INSTANCES.map(() => new Life(T0 - 1, firstTemporality));
          const sent: MetricsRequest[][] = INSTANCES.map(() => []);
          // The oracle: by feature, what left the services.
          const exported = Array.from({ length: SLOTS }, () => ({
            counts: new Array(BUCKETS).fill(0),
            counter: 0,
          }));
          const ingest = (request: MetricsRequest, logged: boolean) => {
            if (!logged) return store.ingestMetrics(request, now);
            const body = otlpJsonBody(request);
            return store.ingestMetrics(decodeMetricsRequest(body, 'json'), now, { body, format: 'json' });
          };
          try {
            for (const o of ops) {
              if (o.kind === 'record') {
                const s = (lives[o.instance] as Life).series[o.slot] as SeriesState;
                s.recorded = true;
                for (const part of [s.total, s.pending]) {
                  part.counts[o.bucket] = (part.counts[o.bucket] as number) + o.times;
                  part.counter += o.counter;
                }
              } else if (o.kind === 'export') {
                now += o.advance;
                const life = lives[o.instance] as Life;
                const request = exportRequest(INSTANCES[o.instance] as string, life, now);
                const result = ingest(request, o.logged);
                expect(result.rejected).toBe(0);
                sent[o.instance]?.push(request);
                life.series.forEach((s, slot) => {
                  const e = exported[slot] as (typeof exported)[number];
                  s.pending.counts.forEach((c, i) => {
                    e.counts[i] = (e.counts[i] as number) + c;
                  });
                  e.counter += s.pending.counter;
                  s.pending = { counts: new Array(BUCKETS).fill(0), counter: 0 };
                });
                life.lastExportMs = now;
              } else if (o.kind === 'retry') {
                const earlier = sent[o.instance] as MetricsRequest[];
                if (earlier.length === 0) continue;
                expect(ingest(earlier[o.which % earlier.length] as MetricsRequest, o.logged).rejected).toBe(
                  0,
                );
              } else if (o.kind === 'restart') {
                now += o.advance;
                lives[o.instance] = new Life(now, o.temporality);
              } else if (o.kind === 'checkpoint') {
                store.checkpoint();
              } else {
                store.close();
                store = Store.open(options);
              }
            }
            const window = { model: 'loan', fromMs: T0 - 86_400_000, toMs: now + 1 };
            for (const rolling of [false, true]) {
              const histograms = store.histograms({ ...window, instrument: 'ml.feature.quantile', rolling });
              const counters = store.counters({ ...window, instrument: 'ml.feature.missing', rolling });
              exported.forEach((e, slot) => {
                const feature = `f${slot}`;
                const h = histograms.find((a) => a.attributes['ml.feature.name'] === feature);
                const c = counters.find((a) => a.attributes['ml.feature.name'] === feature);
                if (sumOf(e.counts) === 0) expect(h?.count ?? 0).toBe(0);
                else
                  expect({ counts: h?.counts, count: h?.count, sum: h?.sum }).toEqual({
                    counts: e.counts,
                    count: sumOf(e.counts),
                    sum: valueSum(e.counts),
                  });
                expect(c?.value ?? 0).toBe(e.counter);
              });
            }
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
