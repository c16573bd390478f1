import { UNIT_BOUNDARIES } from '@modelpulse/stats';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseWindow } from '../src/analyse/cycle.js';
import type { MetricsRequest, Span } from '../src/receive/model.js';
import { Store } from '../src/store/index.js';

/**
 * The report's moved buckets carry exemplar trace ids of predictions scored in that bucket: the score
 * histogram's bucket index and the exemplar reservoir's must agree, and a window's week of reservoirs must
 * not all end up in the report.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = 28_333_333 * MIN;
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const MODEL = { 'ml.model.name': 'loan', 'ml.model.version': '3' };
const RESOURCE = { 'service.name': 'loan-api', 'service.instance.id': 'a' };

/** One delta export of the score histogram over (fromMs, toMs]: `n` predictions in each listed bucket. */
function scores(fromMs: number, toMs: number, buckets: Record<number, number>): MetricsRequest {
  const counts = new Array<number>(UNIT_BOUNDARIES.length + 1).fill(0);
  for (const [i, n] of Object.entries(buckets)) counts[Number(i)] = n;
  return {
    resourceMetrics: [
      {
        resource: RESOURCE,
        scopeMetrics: [
          {
            scope: { name: '@modelpulse/otel', version: '0.1.0' },
            metrics: [
              {
                name: 'ml.prediction.score',
                unit: '1',
                description: '',
                type: 'histogram',
                temporality: 'delta',
                points: [
                  {
                    attributes: { ...MODEL, 'ml.prediction.label': 'reject', 'ml.holdout': false },
                    startTimeUnixNano: ns(fromMs),
                    timeUnixNano: ns(toMs),
                    count: counts.reduce((a, b) => a + b, 0),
                    sum: 0,
                    bounds: [...UNIT_BOUNDARIES],
                    counts,
                    exemplars: [],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

let spanCounter = 0;
function scored(score: number, timeMs: number): Span {
  spanCounter++;
  return {
    resource: RESOURCE,
    scope: { name: '@modelpulse/otel', version: '0.1.0' },
    traceId: spanCounter.toString(16).padStart(32, '0'),
    spanId: spanCounter.toString(16).padStart(16, '0'),
    name: 'ml.predict loan',
    kind: 1,
    startTimeUnixNano: ns(timeMs - 5),
    endTimeUnixNano: ns(timeMs),
    attributes: { ...MODEL, 'ml.prediction.id': `p${spanCounter}`, 'ml.prediction.score': score },
    status: { code: 0, message: '' },
  };
}

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('moved buckets', () => {
  it('show the newest ten exemplars scored in each moved bucket', () => {
    const store = Store.open({ path: ':memory:' });
    stores.push(store);
    // The previous hour scores everything in (0.1, 0.15] (bucket 3); this hour keeps 20 % there and
    // moves 70 % to (0.9, 0.95] (bucket 19) and 10 % to (0.45, 0.5] (bucket 10).
    store.ingestMetrics(scores(NOW - 2 * HOUR, NOW - HOUR - MIN, { 3: 100 }), NOW - HOUR);
    store.ingestMetrics(scores(NOW - HOUR, NOW - MIN, { 3: 20, 10: 10, 19: 70 }), NOW - MIN);
    // One span scored 0.93 per minute of the last 30, and a few in bucket 3.
    const high = Array.from({ length: 30 }, (_, m) => scored(0.93, NOW - 30 * MIN + m * MIN + 1000));
    const low = [scored(0.12, NOW - 20 * MIN), scored(0.12, NOW - 10 * MIN)];
    store.ingestTraces({ spans: [...high, ...low] }, NOW);

    const report = analyseWindow(store, 'loan', '3', { name: '1h', ms: HOUR }, NOW);
    expect(report.reference).toMatchObject({ kind: 'previous-window', predictions: 100 });
    const [first, second, third] = report.drift?.movedBuckets ?? [];
    expect(first).toMatchObject({ lower: 0.1, upper: 0.15, referenceShare: 1, currentShare: 0.2 });
    expect(first?.exemplars).toEqual([low[1]?.traceId, low[0]?.traceId]);
    expect(second).toMatchObject({ lower: 0.9, upper: 0.95, referenceShare: 0, currentShare: 0.7 });
    // one exemplar per minute: the ten newest minutes, newest first
    expect(second?.exemplars).toEqual(
      high
        .slice(-10)
        .reverse()
        .map((s) => s.traceId),
    );
    expect(third).toMatchObject({ lower: 0.45, upper: 0.5, exemplars: [] });
  });
});
