import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPENAPI } from '../src/api/openapi.js';
import { createApp } from '../src/app.js';
import { MonitorEngine } from '../src/monitors/evaluate.js';
import { Store } from '../src/store/index.js';

let store: Store;
beforeEach(() => {
  store = Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const now = BigInt(Date.now()) * 1_000_000n;
const outcome = (value: number, start: bigint, time: bigint) =>
  JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.instance.id', value: { stringValue: 'i-1' } }] },
        scopeMetrics: [
          {
            scope: { name: '@modelpulse/otel' },
            metrics: [
              {
                name: 'ml.outcome',
                unit: '{outcome}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [
                        { key: 'ml.model.name', value: { stringValue: 'm' } },
                        { key: 'ml.model.version', value: { stringValue: '1' } },
                        { key: 'ml.outcome.label', value: { stringValue: 'good' } },
                      ],
                      startTimeUnixNano: String(start),
                      timeUnixNano: String(time),
                      asInt: String(value),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });

describe('read API', () => {
  it('sums a cumulative counter over the window: 3, then 7 (+4), then a reset to 2 → 9', async () => {
    const app = createApp({ store });
    const start = now - 120_000_000_000n;
    const send = (body: string) =>
      app.request('/v1/metrics', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await send(outcome(3, start, now - 60_000_000_000n))).status).toBe(200);
    expect((await send(outcome(7, start, now - 30_000_000_000n))).status).toBe(200);
    expect((await send(outcome(2, now - 1_000_000_000n, now))).status).toBe(200);
    const response = await app.request('/api/models/m/counters?instrument=ml.outcome&window=1h');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      series: { attributes: Record<string, unknown>; value: number }[];
      model: string;
    };
    expect(body.model).toBe('m');
    expect(body.series).toEqual([
      { attributes: { 'ml.model.name': 'm', 'ml.model.version': '1', 'ml.outcome.label': 'good' }, value: 9 },
    ]);
  });

  it('takes windows in the config syntax: 1h30m holds a point that 1h does not, as does 2w', async () => {
    const app = createApp({ store });
    const min = 60_000_000_000n;
    const start = now - 120n * min;
    const send = (body: string) =>
      app.request('/v1/metrics', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    // Cumulative 5 at −75 min, 8 at −50 min, 9 now: the last hour saw +3 and +1.
    expect((await send(outcome(5, start, now - 75n * min))).status).toBe(200);
    expect((await send(outcome(8, start, now - 50n * min))).status).toBe(200);
    expect((await send(outcome(9, start, now))).status).toBe(200);
    const total = async (window: string) => {
      const response = await app.request(`/api/models/m/counters?instrument=ml.outcome&window=${window}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { series: { value: number }[] };
      return body.series.reduce((a, s) => a + s.value, 0);
    };
    expect(await total('1h')).toBe(4);
    expect(await total('1h30m')).toBe(9);
    expect(await total('2w')).toBe(9);
  });

  it.each([
    ['a missing instrument', '/api/models/m/histograms?window=1h', /instrument is required/],
    [
      'a bad window',
      '/api/models/m/histograms?instrument=ml.prediction.score&window=yesterday',
      /window must be a positive duration such as 5m, 24h, 7d, 2w or 1h30m/,
    ],
    ['an unknown route', '/api/nothing', /No route for GET \/api\/nothing/],
  ])('answers %s with a JSON error', async (_, path, message) => {
    const response = await createApp({ store }).request(path);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
  });

  it('requires the API token when one is configured', async () => {
    const app = createApp({ store, apiToken: 't0ken' });
    const refused = await app.request('/api/models');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await refused.json()).toEqual({
      error: 'Unauthorized: send Authorization: Bearer <MODELPULSE_API_TOKEN>.',
    });
    expect((await app.request('/api/models', { headers: { authorization: 'Bearer t0ken' } })).status).toBe(
      200,
    );
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('serves /openapi.json, and every documented path exists on the app', async () => {
    const app = createApp({ store, monitors: new MonitorEngine() });
    expect(((await (await app.request('/openapi.json')).json()) as { openapi: string }).openapi).toBe(
      '3.1.0',
    );
    for (const [path, methods] of Object.entries(OPENAPI.paths)) {
      for (const method of Object.keys(methods)) {
        if (path === '/metrics') continue; // served only when an emitter is configured
        const url = `${path.replace('{model}', 'm')}?instrument=ml.prediction.score&window=1h`;
        const response = await app.request(url, {
          method: method.toUpperCase(),
          body: method === 'put' ? '{}' : null,
        });
        const body = response.headers.get('content-type')?.includes('json')
          ? ((await response.json()) as { error?: string })
          : {};
        expect(body.error ?? '', `${method} ${path}`).not.toMatch(/No route/);
      }
    }
  });
});
