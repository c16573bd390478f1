import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseWindow } from '../src/analyse/cycle.js';
import type { MetricsRequest, NumberPoint, Span } from '../src/receive/model.js';
import { Store } from '../src/store/index.js';

/**
 * Outcomes sent with the prediction id only are counted without a predicted label; the analysis gives
 * each the label of its stored holdout prediction span (the id join), moving it out of the unlabelled
 * count. Expected confusion counts are worked out by hand below.
 */

const MIN = 60_000;
const NOW = 29_000_000 * MIN;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const MODEL = { 'ml.model.name': 'loan', 'ml.model.version': '1' };
const resource = { 'service.name': 'loan-api' };
const scope = { name: '@modelpulse/otel', version: '1' };

let store: Store;
beforeEach(() => {
  store = Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

/** `ml.outcome` counts: [predicted label or undefined, actual label, count], all holdout. */
function outcomeCounts(cells: [string | undefined, string, number][]): MetricsRequest {
  const points: NumberPoint[] = cells.map(([predicted, actual, value]) => ({
    attributes: {
      ...MODEL,
      ...(predicted === undefined ? {} : { 'ml.prediction.label': predicted }),
      'ml.outcome.label': actual,
      'ml.holdout': true,
    },
    startTimeUnixNano: ns(NOW - 10 * MIN),
    timeUnixNano: ns(NOW - 5 * MIN),
    value,
  }));
  const metric = {
    name: 'ml.outcome',
    unit: '{outcome}',
    description: '',
    type: 'sum' as const,
    temporality: 'delta' as const,
    monotonic: true,
    points,
  };
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [metric] }] }] };
}

let n = 0;
function span(name: string, atMs: number, attributes: Record<string, unknown>): Span {
  const id = (++n).toString(16).padStart(16, '0');
  return {
    resource,
    scope,
    traceId: id.repeat(2),
    spanId: id,
    name,
    kind: 1,
    startTimeUnixNano: ns(atMs),
    endTimeUnixNano: ns(atMs + 1),
    attributes: { ...MODEL, ...attributes } as Span['attributes'],
    status: { code: 0, message: '' },
  };
}
/** A holdout prediction span (label null: predicted without a label). */
const prediction = (id: string, label: string | null, atMs: number) =>
  span('ml.predict loan', atMs, {
    'ml.prediction.id': id,
    'ml.holdout': true,
    ...(label === null ? {} : { 'ml.prediction.label': label }),
  });
/** An outcome span that knows only the prediction id. */
const outcome = (id: string, actual: string, atMs: number) =>
  span('ml.outcome loan', atMs, { 'ml.prediction.id': id, 'ml.outcome.label': actual, 'ml.holdout': true });

/** The 1h report's holdout outcomes after these counters and these spans (`spansAt(t)`, t half an hour ago). */
function holdoutOf(
  cells: [string | undefined, string, number][],
  spansAt: (t: number) => Span[],
): NonNullable<ReturnType<typeof analyseWindow>['holdout']> {
  store.ingestMetrics(outcomeCounts(cells), NOW);
  store.ingestTraces({ spans: spansAt(NOW - 30 * MIN) }, NOW);
  const report = analyseWindow(store, 'loan', '1', { name: '1h', ms: 60 * MIN }, NOW, { positive: 'reject' });
  if (!report.holdout) throw new Error('no holdout outcomes');
  return report.holdout;
}

describe('the id join of outcomes sent without the predicted label', () => {
  it('gives each the label of its prediction span, and leaves those it cannot join unlabelled', () => {
    const h = holdoutOf(
      [
        [undefined, 'reject', 3],
        [undefined, 'approve', 2],
        ['reject', 'reject', 1],
      ],
      (t) => [
        prediction('p1', 'reject', t),
        prediction('p2', 'approve', t + 1),
        prediction('p3', 'reject', t + 2),
        prediction('p4', null, t + 3),
        outcome('p1', 'reject', t + 10),
        outcome('p2', 'reject', t + 11),
        outcome('p3', 'approve', t + 12),
        outcome('p4', 'approve', t + 13), // its prediction has no label: stays unlabelled
        outcome('p5', 'reject', t + 14), // no prediction span: stays unlabelled
      ],
    );
    // p1 (reject → reject) joins the labelled tp; p2 predicted approve, actually reject: fn; p3: fp.
    expect(h.confusion).toEqual({ tp: 2, fp: 1, fn: 1, tn: 0 });
    expect(h.unlabelled).toBe(2);
    expect(h.outcomes).toBe(6);
  });

  it('moves no more outcomes than were counted unlabelled, earliest first', () => {
    // Spans say two reject outcomes can be joined, the counters count one: only the earlier (p2) moves.
    const h = holdoutOf([[undefined, 'reject', 1]], (t) => [
      prediction('p1', 'reject', t),
      prediction('p2', 'approve', t + 1),
      outcome('p2', 'reject', t + 10),
      outcome('p1', 'reject', t + 20),
    ]);
    expect(h.confusion).toEqual({ tp: 0, fp: 0, fn: 1, tn: 0 });
    expect(h.unlabelled).toBe(0);
    expect(h.outcomes).toBe(1);
  });
});
