import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import { decodeMetricsRequest } from '../src/receive/otlp/index.js';
import { type HistogramAggregate, Store } from '../src/store/index.js';
import { Queries } from '../src/store/queries.js';
import { otlpJsonBody } from './otlp-json.js';

/**
 * Rolling windows (`rolling: true`) keep per-series sums up to date instead of summing bucket rows per
 * query; a window before now that moves with one (`movesWithMs`) is the difference of two. Whatever
 * happens between two queries — exports of every kind, logged or written at once, stamped ahead of the
 * receiver's clock, retention, a restart — their answer must be the SQL one.
 */

const SEC = 1000;
const T0 = 1_800_000_000 * SEC;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const SPANS = [5 * SEC, 30 * SEC, 300 * SEC];

type Op =
  | {
      kind: 'export';
      instance: string;
      slot: number;
      temporality: 'cumulative' | 'delta';
      counts: number[];
      advance: number;
      /** how far the exporter's clock runs ahead of the receiver's (behind when negative) */
      ahead: number;
      logged: boolean;
    }
  | { kind: 'query'; advance: number }
  | { kind: 'prune' }
  | { kind: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('export' as const),
      instance: fc.constantFrom('a', 'b'),
      slot: fc.integer({ min: 0, max: 2 }),
      temporality: fc.constantFrom('cumulative' as const, 'delta' as const),
      counts: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
      advance: fc.integer({ min: 0, max: 20 * SEC }),
      ahead: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: -40 * SEC, max: 40 * SEC }) },
      ),
      logged: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('query' as const),
      advance: fc.integer({ min: 0, max: 60 * SEC }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'prune' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-rolling-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function request(
  o: Extract<Op, { kind: 'export' }>,
  startMs: number,
  nowMs: number,
  total: number[],
): MetricsRequest {
  const attributes = { 'ml.model.name': 'loan', 'ml.model.version': '1', 'ml.feature.name': `f${o.slot}` };
  const counts = o.temporality === 'cumulative' ? total : o.counts;
  const point: HistogramPoint = {
    attributes,
    startTimeUnixNano: ns(o.temporality === 'cumulative' ? startMs : nowMs - 1),
    timeUnixNano: ns(nowMs),
    count: counts.reduce((a, b) => a + b, 0),
    sum: counts.reduce((a, c, i) => a + c * (i + 0.1), 0),
    bounds: [0.5, 1],
    counts,
    exemplars: [],
  };
  const missing: NumberPoint = {
    attributes,
    startTimeUnixNano: point.startTimeUnixNano,
    timeUnixNano: point.timeUnixNano,
    value: o.temporality === 'cumulative' ? (total[0] as number) : (o.counts[0] as number),
  };
  const metrics: Metric[] = [
    {
      name: 'ml.feature.quantile',
      unit: '1',
      description: '',
      type: 'histogram',
      temporality: o.temporality,
      points: [point],
    },
    {
      name: 'ml.feature.missing',
      unit: '1',
      description: '',
      type: 'sum',
      temporality: o.temporality,
      monotonic: true,
      points: [missing],
    },
  ];
  return {
    resourceMetrics: [
      {
        resource: { 'service.name': 'svc', 'service.instance.id': o.instance },
        scopeMetrics: [{ scope: { name: '@modelpulse/otel', version: '1' }, metrics }],
      },
    ],
  };
}

function same(rolling: HistogramAggregate[], sql: HistogramAggregate[]): void {
  expect(rolling.map(({ sum, ...rest }) => rest)).toEqual(sql.map(({ sum, ...rest }) => rest));
  rolling.forEach((r, i) => {
    expect(r.sum).toBeCloseTo(sql[i]?.sum as number, 9);
  });
}

/** Runs `body` on a new store in the test's directory (buckets of a second), closed after. */
function withStore(name: string, body: (store: Store) => void): void {
  const store = Store.open({ path: join(dir, name), bucketMs: SEC });
  try {
    body(store);
  } finally {
    store.close();
  }
}

/** One delta export of slot 0 stamped `stampedMs` by the exporter of `instance`. */
function deltaExport(instance: string, stampedMs: number, counts: number[]): MetricsRequest {
  const o = {
    kind: 'export',
    instance,
    slot: 0,
    temporality: 'delta',
    counts,
    advance: 0,
    ahead: 0,
    logged: false,
  };
  return request(o as Extract<Op, { kind: 'export' }>, 0, stampedMs, counts);
}

describe('rolling window sums', () => {
  it('answer every query as SQL does, whatever happens between queries', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40 }), (ops) => {
        const path = join(dir, `r${run++}.db`);
        const options = { path, bucketMs: SEC, retentionMs: 200 * SEC };
        let store = Store.open(options);
        let now = T0;
        // cumulative state per (instance, slot): start time and running totals
        const streams = new Map<string, { start: number; total: number[] }>();
        try {
          for (const o of ops) {
            if (o.kind === 'export') {
              now += o.advance;
              const key = `${o.instance}/${o.slot}`;
              const s = streams.get(key) ?? { start: now - 1, total: [0, 0, 0] };
              s.total = s.total.map((c, i) => c + (o.counts[i] as number));
              streams.set(key, s);
              // Stamped by the exporter's clock, received by ours.
              const r = request(o, s.start, now + o.ahead, s.total);
              if (o.logged) {
                const body = otlpJsonBody(r);
                store.ingestMetrics(decodeMetricsRequest(body, 'json'), now, { body, format: 'json' });
              } else store.ingestMetrics(r, now);
            } else if (o.kind === 'query') {
              now += o.advance;
              for (const span of SPANS) {
                const q = { model: 'loan', fromMs: now - span, toMs: now + 1 };
                const h = { ...q, instrument: 'ml.feature.quantile' };
                same(store.histograms({ ...h, rolling: true }), store.histograms(h));
                const c = { ...q, instrument: 'ml.feature.missing' };
                expect(store.counters({ ...c, rolling: true })).toEqual(store.counters(c));
                // Windows before now that move with this one: the previous window, and one shifted back
                // by a maturity delay (answered as the difference of two rolling windows).
                for (const earlier of [
                  { fromMs: now - 2 * span, toMs: now - span },
                  { fromMs: now - span - 2 * SEC, toMs: now + 1 - 2 * SEC },
                ]) {
                  const e = { model: 'loan', ...earlier, movesWithMs: now + 1 };
                  const eh = { ...e, instrument: 'ml.feature.quantile' };
                  same(store.histograms({ ...eh, rolling: true }), store.histograms(eh));
                  const ec = { ...e, instrument: 'ml.feature.missing' };
                  expect(store.counters({ ...ec, rolling: true })).toEqual(store.counters(ec));
                }
              }
              // Fixed periods, as a pinned reference: kept once summed, until a late row lands inside.
              for (const pinned of [
                { fromMs: T0, toMs: T0 + 30 * SEC },
                { fromMs: T0 + 20 * SEC, toMs: T0 + 90 * SEC },
              ]) {
                const p = { model: 'loan', ...pinned };
                const ph = { ...p, instrument: 'ml.feature.quantile' };
                same(store.histograms({ ...ph, rolling: true }), store.histograms(ph));
                const pc = { ...p, instrument: 'ml.feature.missing' };
                expect(store.counters({ ...pc, rolling: true })).toEqual(store.counters(pc));
              }
            } else if (o.kind === 'prune') {
              store.prune(now);
            } else {
              store.close();
              store = Store.open(options);
            }
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('reads of stored rows', () => {
  it('give back every stored double bit for bit', () => {
    // Sums a decimal rendering with too few digits would change; the window is seeded from the file.
    // Whole ones within SQLite's 64-bit INTEGER are read back as integer text, the rest in full (both exact).
    const sums = [
      0.1 + 0.2,
      -1 / 3,
      1e300,
      5e-324,
      2 ** 53 + 2,
      -123456789.12345679,
      0,
      -7,
      2 ** 52 + 1,
      2 ** 62 + 2 ** 10,
      -(2 ** 63),
      2 ** 63,
    ];
    const path = join(dir, 'doubles.db');
    const now = T0 + 10 * SEC;
    let store = Store.open({ path, bucketMs: SEC });
    const points: HistogramPoint[] = sums.map((sum, i) => ({
      attributes: { 'ml.model.name': 'loan', 'ml.model.version': '1', 'ml.feature.name': `f${i}` },
      startTimeUnixNano: ns(now - 5 * SEC),
      timeUnixNano: ns(now),
      count: 3,
      sum,
      bounds: [0.5],
      counts: [1, 2],
      exemplars: [],
    }));
    store.ingestMetrics(
      {
        resourceMetrics: [
          {
            resource: { 'service.name': 'svc' },
            scopeMetrics: [
              {
                scope: { name: '@modelpulse/otel', version: '1' },
                metrics: [
                  {
                    name: 'ml.feature.quantile',
                    unit: '1',
                    description: '',
                    type: 'histogram',
                    temporality: 'delta',
                    points,
                  },
                ],
              },
            ],
          },
        ],
      },
      now,
    );
    store.close();
    store = Store.open({ path, bucketMs: SEC });
    try {
      // Both ways of reading: the rolling window's and the SQL one's.
      for (const rolling of [true, false]) {
        const got = store.histograms({
          model: 'loan',
          instrument: 'ml.feature.quantile',
          fromMs: now - 60 * SEC,
          toMs: now + 1,
          rolling,
        });
        const byFeature = new Map(got.map((h) => [h.attributes['ml.feature.name'], h]));
        sums.forEach((sum, i) => {
          const h = byFeature.get(`f${i}`);
          expect(h?.counts).toEqual([1, 2]);
          expect(h?.count).toBe(3);
          expect(Object.is(h?.sum, sum)).toBe(true);
        });
      }
    } finally {
      store.close();
    }
  });
});

describe('rows stamped ahead of the receiver clock', () => {
  it('leave the current window to its rolling sums (minus those rows), not to SQL', () => {
    withStore('ahead.db', (store) => {
      const now = T0 + 100 * SEC;
      const export_ = (ahead: number, counts: number[]) =>
        deltaExport(ahead > 0 ? 'fast-clock' : 'a', now + ahead, counts);
      store.ingestMetrics(export_(0, [1, 2, 3]), now);
      store.ingestMetrics(export_(90 * SEC, [4, 0, 1]), now); // an exporter whose clock is 90 s fast
      const q = { model: 'loan', fromMs: now - 30 * SEC, toMs: now + 1 };
      const sql = {
        histograms: store.histograms({ ...q, instrument: 'ml.feature.quantile' }),
        counters: store.counters({ ...q, instrument: 'ml.feature.missing' }),
      };
      // Only the rows of the receiver's present are in the window.
      expect(sql.histograms.map((h) => h.counts)).toEqual([[1, 2, 3]]);

      const histogramsBySql = vi.spyOn(Queries.prototype, 'histograms');
      const countersBySql = vi.spyOn(Queries.prototype, 'counters');
      try {
        for (let i = 0; i < 2; i++) {
          expect(store.histograms({ ...q, instrument: 'ml.feature.quantile', rolling: true })).toEqual(
            sql.histograms,
          );
          expect(store.counters({ ...q, instrument: 'ml.feature.missing', rolling: true })).toEqual(
            sql.counters,
          );
        }
        // More rows ahead of the clock arrive before the next read of the same window: still left out.
        store.ingestMetrics(export_(45 * SEC, [0, 7, 0]), now);
        expect(store.histograms({ ...q, instrument: 'ml.feature.quantile', rolling: true })).toEqual(
          sql.histograms,
        );
        expect(store.counters({ ...q, instrument: 'ml.feature.missing', rolling: true })).toEqual(
          sql.counters,
        );
        expect(histogramsBySql).not.toHaveBeenCalled();
        expect(countersBySql).not.toHaveBeenCalled();
      } finally {
        histogramsBySql.mockRestore();
        countersBySql.mockRestore();
      }
    });
  });
});

describe('a fixed period asked for every cycle (a pinned reference)', () => {
  it('is summed by SQL once, and again only after a late row lands inside it', () => {
    withStore('pinned.db', (store) => {
      const now = T0 + 100 * SEC;
      const export_ = (stampedMs: number, counts: number[]) => deltaExport('a', stampedMs, counts);
      store.ingestMetrics(export_(T0 + 10 * SEC, [1, 2, 3]), T0 + 10 * SEC);
      store.ingestMetrics(export_(now, [5, 5, 5]), now);
      const pinned = {
        model: 'loan',
        instrument: 'ml.feature.quantile',
        fromMs: T0,
        toMs: T0 + 30 * SEC,
        rolling: true,
      };
      const bySql = vi.spyOn(Queries.prototype, 'histograms');
      try {
        expect(store.histograms(pinned).map((h) => h.counts)).toEqual([[1, 2, 3]]);
        expect(store.histograms(pinned).map((h) => h.counts)).toEqual([[1, 2, 3]]);
        expect(bySql).toHaveBeenCalledTimes(1);
        store.ingestMetrics(export_(now + SEC, [1, 1, 1]), now + SEC); // after the period: still kept
        expect(store.histograms(pinned).map((h) => h.counts)).toEqual([[1, 2, 3]]);
        expect(bySql).toHaveBeenCalledTimes(1);
        store.ingestMetrics(export_(T0 + 20 * SEC, [0, 0, 4]), now + SEC); // late, inside the period
        expect(store.histograms(pinned).map((h) => h.counts)).toEqual([[1, 2, 7]]);
        expect(bySql).toHaveBeenCalledTimes(2);
      } finally {
        bySql.mockRestore();
      }
    });
  });
});
