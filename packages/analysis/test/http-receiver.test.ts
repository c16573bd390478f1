import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { Store } from '../src/store/index.js';

let store: Store;
beforeEach(() => {
  store = Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const now = BigInt(Date.now()) * 1_000_000n;
/** A small valid OTLP/JSON metrics request: one cumulative ml.prediction.score histogram point. */
const validJson = JSON.stringify({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.instance.id', value: { stringValue: 'i-1' } }] },
      scopeMetrics: [
        {
          scope: { name: '@modelpulse/otel' },
          metrics: [
            {
              name: 'ml.prediction.score',
              unit: '1',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    attributes: [
                      { key: 'ml.model.name', value: { stringValue: 'm' } },
                      { key: 'ml.model.version', value: { stringValue: '1' } },
                    ],
                    startTimeUnixNano: String(now - 60_000_000_000n),
                    timeUnixNano: String(now),
                    count: '2',
                    sum: 0.9,
                    bucketCounts: ['0', '1', '1'],
                    explicitBounds: [0, 0.5],
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

function post(
  app: ReturnType<typeof createApp>,
  body: string | Uint8Array,
  headers: Record<string, string>,
  path = '/v1/metrics',
) {
  return app.request(path, { method: 'POST', body, headers });
}

describe('OTLP/HTTP receiver', () => {
  it('accepts JSON, answers in JSON, and stores the point', async () => {
    const app = createApp({ store });
    const response = await post(app, validJson, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({});
    expect(store.models().map((m) => m.name)).toEqual(['m']);
  });

  it('accepts a gzip body', async () => {
    const app = createApp({ store });
    const response = await post(app, gzipSync(validJson), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
  });

  it.each([
    [
      '415 for another content type',
      { 'content-type': 'text/plain' },
      'hello',
      415,
      /Content-Type must be application\/x-protobuf or application\/json/,
    ],
    [
      '415 for another encoding',
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      validJson,
      415,
      /Content-Encoding br is not supported/,
    ],
    [
      '400 for broken gzip',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      'not gzip',
      400,
      /Body is not valid gzip/,
    ],
    [
      '400 for malformed JSON',
      { 'content-type': 'application/json' },
      '{"resourceMetrics": [',
      400,
      /Malformed OTLP json metrics request/,
    ],
  ])('%s', async (_, headers, body, status, message) => {
    const app = createApp({ store });
    const before = store.stateDigest();
    const response = await post(app, body, headers);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(store.stateDigest()).toBe(before);
  });

  it('answers 400 in protobuf to a malformed protobuf body: a google.rpc.Status with the reason', async () => {
    const app = createApp({ store });
    const response = await post(app, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes[0]).toBe(0x08); // field 1 (code), varint
    expect(bytes[1]).toBe(3); // INVALID_ARGUMENT
    expect(new TextDecoder().decode(bytes.subarray(4))).toMatch(/Malformed OTLP protobuf metrics request/);
  });

  it('answers 413 above the body limit, also when only the decompressed body is too large', async () => {
    const app = createApp({ store, bodyLimit: 1000 });
    expect((await post(app, 'x'.repeat(2000), { 'content-type': 'application/json' })).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(100_000, 32));
    expect(bomb.byteLength).toBeLessThan(1000);
    const response = await post(app, bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(413);
  });

  it('requires the bearer token when one is configured', async () => {
    const app = createApp({ store, ingestToken: 's3cret' });
    expect((await post(app, validJson, { 'content-type': 'application/json' })).status).toBe(401);
    expect(
      (await post(app, validJson, { 'content-type': 'application/json', authorization: 'Bearer wrong' }))
        .status,
    ).toBe(401);
    expect(
      (await post(app, validJson, { 'content-type': 'application/json', authorization: 'Bearer s3cret' }))
        .status,
    ).toBe(200);
  });

  it('reports rejected points as OTLP partial success', async () => {
    const app = createApp({ store });
    const noModel = validJson.replace('"ml.model.name"', '"other.name"');
    const response = await post(app, noModel, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      partialSuccess?: { rejectedDataPoints: string; errorMessage: string };
    };
    expect(body.partialSuccess?.rejectedDataPoints).toBe('1');
    expect(body.partialSuccess?.errorMessage).toMatch(/ml\.model\.name/);
  });

  it('answers 429 with Retry-After when more exports are in flight than allowed', async () => {
    const app = createApp({ store, maxInFlight: 0 });
    const response = await post(app, validJson, { 'content-type': 'application/json' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { message: string }).message).toMatch(/exports in flight/);
  });

  it('accepts logs and traces endpoints', async () => {
    const app = createApp({ store });
    expect(
      (await post(app, '{"resourceLogs":[]}', { 'content-type': 'application/json' }, '/v1/logs')).status,
    ).toBe(200);
    expect(
      (await post(app, '{"resourceSpans":[]}', { 'content-type': 'application/json' }, '/v1/traces')).status,
    ).toBe(200);
  });
});

describe('fuzz: malformed bodies never crash the service, never get a 5xx, never change the state', () => {
  it('answers 4xx with a message to ≥ 2 000 random, truncated and mutated bodies of both types, gzip or not', async () => {
    const app = createApp({ store });
    // Some valid state first, so "unchanged" means something.
    expect((await post(app, validJson, { 'content-type': 'application/json' })).status).toBe(200);
    let before = store.stateDigest();
    const valid = Buffer.from(validJson);
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.nat({ max: valid.length - 1 }).map((n) => valid.subarray(0, n)),
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const copy = Buffer.from(valid);
        copy[i] = (copy[i] as number) ^ x;
        return copy;
      }),
      fc.json().map((j) => Buffer.from(j)),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('application/json', 'application/x-protobuf'),
        fc.boolean(),
        fc.constantFrom('/v1/metrics', '/v1/traces'),
        async (raw, type, gzip, path) => {
          runs++;
          const headers: Record<string, string> = { 'content-type': type };
          if (gzip) headers['content-encoding'] = 'gzip';
          const response = await post(app, gzip ? gzipSync(raw) : raw, headers, path);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
            expect(store.stateDigest()).toBe(before);
          } else {
            // A mutation can still be a valid request (another value, another version): that one may count.
            before = store.stateDigest();
          }
        },
      ),
      { numRuns: 2400 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
  });
});
