import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCycle, runCycleYielding } from '../src/analyse/schedule.js';
import { createApp } from '../src/app.js';
import { Store } from '../src/store/index.js';

/** The scheduled cycle yields between model windows: same reports, and exports are served meanwhile. */

let store: Store;
beforeEach(() => {
  store = Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const NOW = Date.now();
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

/** An OTLP/JSON export of one cumulative score histogram of `model`. */
function scores(model: string, counts: number[], timeMs: number): string {
  const attributes = [
    { key: 'ml.model.name', value: { stringValue: model } },
    { key: 'ml.model.version', value: { stringValue: '1' } },
  ];
  const dataPoint = {
    attributes,
    startTimeUnixNano: ns(NOW - 3_600_000),
    timeUnixNano: ns(timeMs),
    count: String(counts.reduce((a, b) => a + b, 0)),
    sum: counts.reduce((a, c, i) => a + c * (i + 0.5) * 0.25, 0),
    bucketCounts: counts.map(String),
    explicitBounds: [0.25, 0.5, 0.75],
  };
  const metric = {
    name: 'ml.prediction.score',
    unit: '1',
    histogram: { aggregationTemporality: 2, dataPoints: [dataPoint] },
  };
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.instance.id', value: { stringValue: model } }] },
        scopeMetrics: [{ scope: { name: '@modelpulse/otel' }, metrics: [metric] }],
      },
    ],
  });
}

describe('runCycleYielding', () => {
  it('gives the reports of runCycle, and lets an export through before it ends', async () => {
    const app = createApp({ store });
    const send = (body: string) =>
      app.request('/v1/metrics', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    for (const model of ['a', 'b', 'c']) {
      expect((await send(scores(model, [10, 20, 30, 40], NOW - 60_000))).status).toBe(200);
    }
    const expected = runCycle(store, new Map(), NOW);
    expect(expected.map((r) => `${r.model} ${r.window}`)).toEqual([
      'a 1h',
      'a 24h',
      'a 7d',
      'b 1h',
      'b 24h',
      'b 7d',
      'c 1h',
      'c 24h',
      'c 7d',
    ]);

    const order: string[] = [];
    const cycle = runCycleYielding(store, new Map(), NOW).then((reports) => {
      order.push('cycle');
      return reports;
    });
    const exported = Promise.resolve(send(scores('d', [1, 1, 1, 1], NOW - 30_000))).then((r) => {
      order.push('export');
      return r.status;
    });
    expect(await exported).toBe(200);
    expect(await cycle).toEqual(expected); // the new model came in after the cycle listed the models
    expect(order).toEqual(['export', 'cycle']);
  });
});

describe('the server’s cycle', () => {
  it('analyses each model over its configured windows, so monitors on them can fire', async () => {
    const { startServer } = await import('../src/index.js');
    const server = await startServer({
      port: 0,
      dbPath: ':memory:',
      models: {
        a: {
          windows: [{ name: '6h', ms: 6 * 3_600_000 }],
          monitors: [{ name: 'busy', value: 'predictions', window: '6h', above: 1 }],
        },
      },
    });
    try {
      for (const model of ['a', 'b']) {
        const response = await fetch(`${server.url}/v1/metrics`, {
          method: 'POST',
          body: scores(model, [10, 20, 30, 40], NOW - 60_000),
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBe(200);
      }
      const reports = server.analyse();
      expect(reports.map((r) => `${r.model} ${r.window}`)).toEqual(['a 6h', 'b 1h', 'b 24h', 'b 7d']);
      const { monitors } = (await (await fetch(`${server.url}/api/alerts`)).json()) as {
        monitors: { monitor: string; status: string; value: number | null }[];
      };
      expect(monitors.map((m) => [m.monitor, m.status, m.value])).toEqual([['busy', 'firing', 100]]);
    } finally {
      await server.close();
    }
  });
});
