import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsRequest, TracesRequest } from '../src/receive/model.js';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  OtlpDecodeError,
} from '../src/receive/otlp/index.js';
import { concat, key, len, recordMetrics, recordSpans, varint } from './otlp-capture.js';

/**
 * Whatever the bytes, a decoder returns a store-safe value or throws OtlpDecodeError: never another
 * error, never slowly, never by allocating what a length prefix claims.
 */

type Format = 'protobuf' | 'json';
const SLOW_MS = 250;

let samples: { protobuf: Uint8Array[]; json: Uint8Array[] };

beforeAll(async () => {
  const [mp, mj, tp, tj] = await Promise.all([
    recordMetrics('protobuf', 'cumulative'),
    recordMetrics('json', 'delta'),
    recordSpans('protobuf'),
    recordSpans('json'),
  ]);
  samples = {
    protobuf: [mp.exports[0]!.body, tp.body],
    json: [mj.exports[0]!.body, tj.body],
  };
});

/** The invariants the store relies on, for anything a decoder accepted. */
function checkMetrics(request: MetricsRequest): void {
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        expect(typeof metric.name).toBe('string');
        if (metric.type === 'unsupported') {
          expect(Number.isInteger(metric.pointCount)).toBe(true);
          continue;
        }
        for (const point of metric.points) {
          expect(typeof point.timeUnixNano).toBe('bigint');
          expect(typeof point.startTimeUnixNano).toBe('bigint');
          if (!('counts' in point)) {
            expect(typeof point.value).toBe('number');
            continue;
          }
          expect(Number.isSafeInteger(point.count) && point.count >= 0).toBe(true);
          expect(point.counts.length === 0 || point.counts.length === point.bounds.length + 1).toBe(true);
          for (const c of point.counts) expect(Number.isSafeInteger(c) && c >= 0).toBe(true);
          point.bounds.forEach((b, i) => {
            expect(Number.isFinite(b)).toBe(true);
            if (i > 0) expect(b).toBeGreaterThan(point.bounds[i - 1]!);
          });
          for (const e of point.exemplars) {
            if (e.traceId !== undefined) expect(e.traceId).toMatch(/^[0-9a-f]{32}$/);
            if (e.spanId !== undefined) expect(e.spanId).toMatch(/^[0-9a-f]{16}$/);
          }
        }
      }
    }
  }
}

function checkTraces(request: TracesRequest): void {
  for (const span of request.spans) {
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    if (span.parentSpanId !== undefined) expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof span.startTimeUnixNano).toBe('bigint');
    expect(Number.isInteger(span.kind)).toBe(true);
  }
}

/** Runs every decoder of `format` on `body`; only OtlpDecodeError may escape, and nothing may be slow. */
function decodeAll(body: Uint8Array, format: Format): void {
  const runs: (() => void)[] = [
    () => checkMetrics(decodeMetricsRequest(body, format)),
    () => checkTraces(decodeTracesRequest(body, format)),
    () => expect(Number.isInteger(decodeLogsRequest(body, format).recordCount)).toBe(true),
  ];
  for (const run of runs) {
    const started = performance.now();
    try {
      run();
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      expect(error.message.length).toBeGreaterThan(0);
    }
    const elapsed = performance.now() - started;
    if (elapsed > SLOW_MS) throw new Error(`decoding ${body.length} bytes took ${elapsed.toFixed(0)} ms`);
  }
}

const sample = (format: Format) => fc.integer({ min: 0, max: 1 }).map((i) => samples[format][i]!);

/** Protobuf-shaped noise: valid tags of every wire type (some invalid), nested a few levels deep. */
const protoish = fc.letrec<{ message: Uint8Array; field: Uint8Array }>((tie) => ({
  field: fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 16 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
      .map(([f, v]) => concat(key(f, 0), varint(v))),
    fc
      .tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 8, maxLength: 8 }))
      .map(([f, b]) => concat(key(f, 1), b)),
    fc
      .tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 4, maxLength: 4 }))
      .map(([f, b]) => concat(key(f, 5), b)),
    fc.tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ maxLength: 24 })).map(([f, b]) => len(f, b)),
    fc.tuple(fc.integer({ min: 1, max: 16 }), tie('message')).map(([f, m]) => len(f, m)),
    fc
      .tuple(fc.integer({ min: 1, max: 16 }), fc.constantFrom(3, 4, 6, 7))
      .map(([f, w]) => new Uint8Array(key(f, w))),
  ),
  message: fc
    .array(tie('field'), { maxLength: 5, depthIdentifier: 'message' })
    .map((fields) => concat(...fields)),
}));

function flip(body: Uint8Array, flips: [number, number][]): Uint8Array {
  const out = body.slice();
  for (const [at, bit] of flips) out[at % out.length]! ^= 1 << bit;
  return out;
}

describe('protobuf decoders under malformed input', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodeAll(bytes, 'protobuf')),
      { numRuns: 1000 },
    );
  });

  it('random protobuf-shaped messages', () => {
    fc.assert(
      fc.property(protoish.message, (bytes) => decodeAll(bytes, 'protobuf')),
      { numRuns: 1000 },
    );
  });

  it('every truncation of real exporter bodies', () => {
    for (const body of samples.protobuf) {
      for (let end = 0; end < body.length; end++) decodeAll(body.subarray(0, end), 'protobuf');
    }
  });

  it('bit flips in real exporter bodies', () => {
    const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(sample('protobuf'), flips, (body, f) => decodeAll(flip(body, f), 'protobuf')),
      { numRuns: 1500 },
    );
  });

  it('bytes spliced into and cut out of real exporter bodies', () => {
    fc.assert(
      fc.property(
        sample('protobuf'),
        fc.nat(),
        fc.nat({ max: 16 }),
        fc.uint8Array({ maxLength: 16 }),
        (body, at, cut, insert) => {
          const i = at % (body.length + 1);
          decodeAll(
            concat(body.subarray(0, i), insert, body.subarray(Math.min(body.length, i + cut))),
            'protobuf',
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses huge length prefixes at the bounds check, before allocating', () => {
    for (const length of [2 ** 31 - 1, 2 ** 31, 2 ** 32 + 3, 2 ** 53]) {
      // ResourceMetrics → ScopeMetrics → Metric → Histogram → point with a packed bounds field of `length`.
      const tail = concat([0x3a], varint(length), new Uint8Array(64));
      const nested = [1, 2, 2, 9, 1].reduceRight<Uint8Array>((inner, field) => len(field, inner), tail);
      const started = performance.now();
      expect(() => decodeMetricsRequest(nested, 'protobuf')).toThrow(/truncated length-delimited field/);
      expect(() => decodeMetricsRequest(concat([0x0a], varint(length)), 'protobuf')).toThrow(OtlpDecodeError);
      expect(performance.now() - started).toBeLessThan(SLOW_MS);
    }
  });
});

/** Replaces the value at one randomly chosen place of a JSON tree. */
function mutate(root: unknown, pick: number, replacement: unknown, drop: boolean): unknown {
  const places: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        places.push({ parent: node, key: i });
        walk(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, child] of Object.entries(node)) {
        places.push({ parent: node as Record<string, unknown>, key: k });
        walk(child);
      }
    }
  };
  walk(root);
  const place = places[pick % places.length];
  if (!place) return replacement;
  if (drop && !Array.isArray(place.parent)) delete place.parent[place.key as string];
  else (place.parent as Record<string | number, unknown>)[place.key] = replacement;
  return root;
}

describe('JSON decoders under malformed input', () => {
  const encoder = new TextEncoder();

  it('random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => decodeAll(encoder.encode(JSON.stringify(value)), 'json')),
      { numRuns: 500 },
    );
  });

  it('real exporter bodies with one value replaced or dropped', () => {
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('NaN', 'Infinity', '-1', '1.5', '18446744073709551616', '9'.repeat(400), {}, [], null),
    );
    fc.assert(
      fc.property(sample('json'), fc.nat(), replacement, fc.boolean(), (body, pick, value, drop) => {
        const tree = JSON.parse(new TextDecoder().decode(body));
        decodeAll(encoder.encode(JSON.stringify(mutate(tree, pick, value, drop))), 'json');
      }),
      { numRuns: 1500 },
    );
  });

  it('byte-level damage to real exporter bodies', () => {
    const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(sample('json'), flips, fc.nat(), (body, f, end) =>
        decodeAll(flip(body, f).subarray(0, 1 + (end % body.length)), 'json'),
      ),
      { numRuns: 500 },
    );
  });

  it('deeply nested attribute values and long digit strings stay fast', () => {
    // Built as text: JSON.stringify itself would overflow the stack this deep.
    const depth = 20_000;
    const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"deep"}${']}}'.repeat(depth)}`;
    const traces = encoder.encode(
      `{"resourceSpans":[{"resource":{"attributes":[{"key":"deep","value":${value}}]},"scopeSpans":[]}]}`,
    );
    decodeAll(traces, 'json');
    expect(() => decodeTracesRequest(traces, 'json')).toThrow(/nested deeper than 64/);
    const point = { asDouble: `${'1'.repeat(200_000)}x`, timeUnixNano: '9'.repeat(200_000) };
    const metrics = {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [point] } }] }] }],
    };
    decodeAll(encoder.encode(JSON.stringify(metrics)), 'json');
  });
});
