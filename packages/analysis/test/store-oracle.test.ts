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
 * histograms and counters and export them (cumulative or delta, switching on restart); an export arrives
 * at once, late (after newer ones, even after its process restarted) or never; any delivered export may
 * arrive again; processes restart (a new start time, unexported measurements lost); the store
 * checkpoints and is reopened. The stored sums must equal what arrived, exactly: for a cumulative stream
 * (one process life) its newest point that arrived, for a delta stream every point that arrived, once.
 */

const T0 = 1_800_000_000_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const SLOTS = 3;
const BUCKETS = 3;
const INSTANCES = ['a', 'b'] as const;

type Temporality = 'cumulative' | 'delta';
/** at once, held back for a later `deliver` (out of order), or lost on the way */
type Delivery = 'now' | 'later' | 'never';
type Op =
  | { kind: 'record'; instance: number; slot: number; bucket: number; times: number; counter: number }
  | { kind: 'export'; instance: number; advance: number; delivery: Delivery; logged: boolean }
  | { kind: 'deliver'; which: number; logged: boolean }
  | { kind: 'retry'; which: number; logged: boolean }
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
      delivery: fc.constantFrom<Delivery>('now', 'now', 'now', 'later', 'never'),
      logged: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), which: fc.nat(), logged: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('retry' as const), which: fc.nat(), logged: fc.boolean() }),
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

/** One export as sent: its request, and each series' values in it (absent: not in the export). */
interface Sent {
  life: Life;
  timeMs: number;
  request: MetricsRequest;
  values: ({ counts: number[]; counter: number } | undefined)[];
  delivery: Delivery;
  delivered: boolean;
}

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
  static #lives = 0;
  readonly id = Life.#lives++;

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

function exportOf(name: string, life: Life, nowMs: number, delivery: Delivery): Sent {
  const histograms: HistogramPoint[] = [];
  const counters: NumberPoint[] = [];
  const values: Sent['values'] = [];
  life.series.forEach((s, slot) => {
    if (!s.recorded) return;
    const cumulative = life.temporality === 'cumulative';
    const { counts, counter } = cumulative ? s.total : s.pending;
    // A delta exporter sends only the series measured since its last export.
    if (!cumulative && sumOf(counts) === 0 && counter === 0) return;
    values[slot] = { counts: [...counts], counter };
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
  const request: MetricsRequest = {
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
  return { life, timeMs: nowMs, request, values, delivery, delivered: false };
}

/**
 * By feature, what the store must hold once `sent` arrived as marked: per cumulative life, the values of
 * its newest export that arrived; per delta life, the sum of those that arrived.
 */
function arrived(sent: readonly Sent[]): { counts: number[]; counter: number }[] {
  const out = Array.from({ length: SLOTS }, () => ({ counts: new Array(BUCKETS).fill(0), counter: 0 }));
  const newest = new Map<Life, Sent>();
  const add = (x: Sent) =>
    x.values.forEach((v, slot) => {
      const o = out[slot] as (typeof out)[number];
      v?.counts.forEach((c, i) => {
        o.counts[i] = (o.counts[i] as number) + c;
      });
      o.counter += v?.counter ?? 0;
    });
  for (const x of sent) {
    if (!x.delivered) continue;
    if (x.life.temporality === 'delta') add(x);
    else if ((newest.get(x.life)?.timeMs ?? Number.NEGATIVE_INFINITY) < x.timeMs) newest.set(x.life, x);
  }
  for (const x of newest.values()) add(x);
  return out;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-oracle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stored sums against what services exported', () => {
  it('hold exactly what arrived, through late, lost and repeated exports, restarts and reopening', () => {
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
          const sent: Sent[] = [];
          const ingest = (request: MetricsRequest, logged: boolean) => {
            if (!logged) return store.ingestMetrics(request, now);
            const body = otlpJsonBody(request);
            return store.ingestMetrics(decodeMetricsRequest(body, 'json'), now, { body, format: 'json' });
          };
          const deliver = (x: Sent, logged: boolean) => {
            expect(ingest(x.request, logged).rejected).toBe(0);
            x.delivered = true;
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
                const x = exportOf(INSTANCES[o.instance] as string, life, now, o.delivery);
                sent.push(x);
                for (const series of life.series)
                  series.pending = { counts: new Array(BUCKETS).fill(0), counter: 0 };
                life.lastExportMs = now;
                if (o.delivery === 'now') deliver(x, o.logged);
              } else if (o.kind === 'deliver') {
                const held = sent.filter((x) => x.delivery === 'later' && !x.delivered);
                if (held.length > 0) deliver(held[o.which % held.length] as Sent, o.logged);
              } else if (o.kind === 'retry') {
                const delivered = sent.filter((x) => x.delivered);
                if (delivered.length > 0) deliver(delivered[o.which % delivered.length] as Sent, o.logged);
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
            const expected = arrived(sent);
            for (const rolling of [false, true]) {
              const histograms = store.histograms({ ...window, instrument: 'ml.feature.quantile', rolling });
              const counters = store.counters({ ...window, instrument: 'ml.feature.missing', rolling });
              expected.forEach((e, slot) => {
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
      {
        numRuns: 200,
        examples: [
          [
            // The newest point of a process's life arrives only after the process restarted.
            [
              { kind: 'record', instance: 0, slot: 0, bucket: 0, times: 2, counter: 1 },
              { kind: 'export', instance: 0, advance: 1_000, delivery: 'now', logged: false },
              { kind: 'record', instance: 0, slot: 0, bucket: 1, times: 3, counter: 1 },
              { kind: 'export', instance: 0, advance: 1_000, delivery: 'later', logged: true },
              { kind: 'restart', instance: 0, advance: 1_000, temporality: 'cumulative' },
              { kind: 'record', instance: 0, slot: 0, bucket: 2, times: 1, counter: 1 },
              { kind: 'export', instance: 0, advance: 1_000, delivery: 'now', logged: false },
              { kind: 'reopen' },
              { kind: 'deliver', which: 0, logged: false },
              { kind: 'retry', which: 1, logged: true },
            ],
            'cumulative',
            60_000,
          ],
        ],
      },
    );
  });
});
