import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ServerType, serve } from '@hono/node-server';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
    const plain = await post(app, 'x'.repeat(2000), { 'content-type': 'application/json' });
    expect(plain.status).toBe(413);
    expect(((await plain.json()) as { message: string }).message).toBe('Body exceeds the 1000-byte limit.');
    const bomb = gzipSync(Buffer.alloc(100_000, 32));
    expect(bomb.byteLength).toBeLessThan(1000);
    const response = await post(app, bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toBe(
      'Body exceeds the 1000-byte limit (decompressed).',
    );
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

/** Serves the app with @hono/node-server on loopback, as `modelpulse serve` does. */
async function served(app: ReturnType<typeof createApp>): Promise<{ url: string; server: ServerType }> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, server };
}

/** POSTs a JSON body with its Content-Length over real HTTP. */
function postJson(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/**
 * POSTs `chunks` one write at a time without a Content-Length (chunked transfer coding); the request is
 * ended only after the answer arrived or all chunks are written, whichever is first. Resolves with the
 * status, the body and how many chunks had been written when the answer came.
 */
function postChunked(
  url: string,
  chunks: Uint8Array[],
  headers: Record<string, string>,
): Promise<{ status: number; body: string; chunksWritten: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers }, (res: IncomingMessage) => {
      answered = true;
      const seen = written;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), chunksWritten: seen });
        req.destroy(); // the rest of a refused body is not sent
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const next = () => {
      if (answered) return;
      if (written === chunks.length) {
        req.end();
        return;
      }
      req.write(chunks[written++]);
      setTimeout(next, 5); // separate writes, so the server sees separate chunks
    };
    next();
  });
}

describe('OTLP/HTTP receiver over real HTTP (@hono/node-server)', () => {
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('accepts a body sent in chunks without a Content-Length, plain or gzip', async () => {
    const app = createApp({ store });
    const served_ = await served(app);
    server = served_.server;
    const json = Buffer.from(validJson);
    const thirds = [json.subarray(0, 100), json.subarray(100, 400), json.subarray(400)];
    const plain = await postChunked(served_.url, thirds, { 'content-type': 'application/json' });
    expect(plain).toMatchObject({ status: 200, body: '{}' });
    const zipped = gzipSync(json);
    const gzip = await postChunked(served_.url, [zipped.subarray(0, 50), zipped.subarray(50)], {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzip).toMatchObject({ status: 200, body: '{}' });
    // The same export twice: the second is a retry of an applied cumulative point, so still one count of 2.
    const stored = store.histograms({
      model: 'm',
      instrument: 'ml.prediction.score',
      fromMs: 0,
      toMs: Date.now() + 120_000,
    });
    expect(stored.map((h) => [h.count, h.counts])).toEqual([[2, [0, 1, 1]]]);
  });

  it('logs a gzip export as it arrived, compressed, and a crash replays it from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelpulse-gzip-log-'));
    const path = join(dir, 'm.db');
    const fileStore = Store.open({ path });
    try {
      const served_ = await served(createApp({ store: fileStore }));
      server = served_.server;
      const zipped = gzipSync(validJson);
      const response = await fetch(served_.url, {
        method: 'POST',
        body: zipped,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(response.status).toBe(200);
      const logs = readdirSync(dir).filter((f) => f.startsWith('m.db-ingest.'));
      expect(logs).toHaveLength(1);
      const log = readFileSync(join(dir, logs[0] as string));
      // one record: a 16-byte header, then the body byte for byte as sent
      expect(log.byteLength).toBe(16 + zipped.byteLength);
      expect(log.subarray(16).equals(zipped)).toBe(true);

      // The files as a crash would leave them (nothing checkpointed yet): opening them replays the log.
      const copy = join(dir, 'copy');
      mkdirSync(copy);
      for (const f of readdirSync(dir).filter((f) => f.startsWith('m.db')))
        copyFileSync(join(dir, f), join(copy, f));
      const reopened = Store.open({ path: join(copy, 'm.db') });
      const window = { model: 'm', instrument: 'ml.prediction.score', fromMs: 0, toMs: Date.now() + 120_000 };
      try {
        expect(reopened.histograms(window).map((h) => [h.count, h.counts])).toEqual([[2, [0, 1, 1]]]);
      } finally {
        reopened.close();
      }
    } finally {
      fileStore.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 413 to a chunked body as soon as it passes the limit, without waiting for the rest', async () => {
    const app = createApp({ store, bodyLimit: 1000 });
    const served_ = await served(app);
    server = served_.server;
    const chunk = new Uint8Array(600).fill(32);
    const answer = await postChunked(
      served_.url,
      Array.from({ length: 50 }, () => chunk),
      {
        'content-type': 'application/json',
      },
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).message).toMatch(/1000-byte limit/);
    // 50 chunks were on offer; the answer came after the second passed the limit (a few more may be in flight).
    expect(answer.chunksWritten).toBeLessThan(10);
    expect(store.models()).toEqual([]);
    // The service still takes the next export.
    const ok = await postChunked(served_.url, [Buffer.from(validJson)], {
      'content-type': 'application/json',
    });
    expect(ok.status).toBe(200);
  });

  it('reads each body into a reused buffer without what an earlier, longer body left there', async () => {
    const app = createApp({ store });
    const served_ = await served(app);
    server = served_.server;
    const send = (body: string) => postJson(served_.url, body);
    // A longer export first (padded with whitespace, valid JSON), then the shorter one into the same buffer.
    const padded = `${validJson.replace('"m"', '"first"')}${' '.repeat(20_000)}`;
    expect((await send(padded)).status).toBe(200);
    const second = await send(validJson);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('{}');
    expect(store.models().map((m) => m.name)).toEqual(['first', 'm']);
  });

  it('gives back its slot and buffer when a client goes away mid-body, and logs no error', async () => {
    const logged = vi.spyOn(console, 'error');
    const app = createApp({ store, maxInFlight: 1 });
    const served_ = await served(app);
    server = served_.server;
    const { port } = new URL(served_.url);
    // Headers announce 100 000 bytes; 1 000 arrive, then the connection is gone.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
        );
        socket.write(Buffer.alloc(1000, 32), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // With one export allowed in flight, a leaked slot would answer 429.
    const ok = await postJson(served_.url, validJson);
    expect(ok.status).toBe(200);
    expect(store.models().map((m) => m.name)).toEqual(['m']);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('answers 413 from the Content-Length alone, and reads a declared body into place', async () => {
    const app = createApp({ store, bodyLimit: 1000 });
    const served_ = await served(app);
    server = served_.server;
    const response = await postJson(served_.url, 'x'.repeat(2000));
    expect(response.status).toBe(413);
    const accepted = await postJson(served_.url, validJson);
    expect(accepted.status).toBe(200);
    expect(store.models().map((m) => m.name)).toEqual(['m']);
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
