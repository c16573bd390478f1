import { UNIT_BOUNDARIES } from '@modelpulse/stats';
import { describe, expect, it } from 'vitest';
import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  encodeExportResponse,
  OtlpDecodeError,
} from '../src/receive/otlp/index.js';
import {
  concat,
  dbl,
  expectedMetrics,
  expectedSpans,
  type Format,
  f64,
  fixed64,
  fx64,
  hexBytes,
  key,
  LATENCY_BOUNDS,
  len,
  RESOURCE_ATTRIBUTES,
  recordMetrics,
  recordSpans,
  str,
  varint,
  vint,
} from './otlp-capture.js';

const FORMATS: Format[] = ['protobuf', 'json'];
const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

function metricsByName(request: MetricsRequest): Map<string, Metric> {
  const metrics = request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
  return new Map(metrics.map((m) => [m.name, m]));
}

function histogramPoints(metric: Metric | undefined): HistogramPoint[] {
  if (metric?.type !== 'histogram') throw new Error(`not a histogram: ${metric?.name}`);
  return metric.points;
}

function numberPoints(metric: Metric | undefined): NumberPoint[] {
  if (metric?.type !== 'sum' && metric?.type !== 'gauge')
    throw new Error(`not a sum or gauge: ${metric?.name}`);
  return metric.points;
}

/** Bucket counts with `ones` at the given indexes (a score histogram on the 22 unit buckets). */
function buckets(size: number, ...indexes: number[]): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const i of indexes) counts[i]! += 1;
  return counts;
}

describe.each(FORMATS)('metrics from the real %s exporter', (format) => {
  it.each(['delta', 'cumulative'] as const)(
    'decode exactly what the SDK recorded (%s)',
    async (temporality) => {
      const { exports } = await recordMetrics(format, temporality);
      expect(exports[0]?.contentType).toBe(
        format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      );
      const [first, second] = exports.map((e) => decodeMetricsRequest(e.body, format));
      // Everything, times included, equals the SDK's own view of the same collection.
      expect(first).toEqual(expectedMetrics(exports[0]!.sdk));
      expect(second).toEqual(expectedMetrics(exports[1]!.sdk));

      // And the known recorded values, spelled out.
      expect(first!.resourceMetrics).toHaveLength(1);
      expect(first!.resourceMetrics[0]!.resource).toEqual(RESOURCE_ATTRIBUTES);
      expect(first!.resourceMetrics[0]!.scopeMetrics[0]!.scope).toEqual({
        name: 'capture-test',
        version: '1.2.3',
      });
      const m1 = metricsByName(first!);
      const m2 = metricsByName(second!);

      const latency = m1.get('test.latency');
      expect(latency).toMatchObject({
        type: 'histogram',
        unit: 's',
        description: 'request latency',
        temporality,
      });
      const [lat] = histogramPoints(latency);
      expect(lat).toMatchObject({
        attributes: { route: '/predict' },
        count: 5,
        min: 0.005,
        max: 3,
        bounds: LATENCY_BOUNDS,
        counts: [1, 2, 0, 0, 1, 1],
      });
      expect(lat!.sum).toBeCloseTo(3.755, 12);
      const [lat2] = histogramPoints(m2.get('test.latency'));
      expect(lat2!.counts).toEqual(temporality === 'delta' ? [0, 0, 1, 0, 0, 0] : [1, 2, 1, 0, 1, 1]);
      expect(lat2!.count).toBe(temporality === 'delta' ? 1 : 6);
      expect(lat2!.timeUnixNano).toBeGreaterThan(lat!.timeUnixNano);
      if (temporality === 'delta') expect(lat2!.startTimeUnixNano).toBe(lat!.timeUnixNano);
      else expect(lat2!.startTimeUnixNano).toBe(lat!.startTimeUnixNano);

      const requests = m1.get('test.requests');
      expect(requests).toMatchObject({ type: 'sum', unit: '{request}', monotonic: true, temporality });
      expect(numberPoints(requests).map((p) => [p.attributes, p.value])).toEqual([
        [{ route: '/predict', ok: true }, 5],
        [{ route: '/health', ok: true }, 2],
      ]);
      const predict2 = numberPoints(m2.get('test.requests')).find((p) => p.attributes.route === '/predict');
      expect(predict2?.value).toBe(temporality === 'delta' ? 1 : 6);
      // The SDK keeps up-down counters cumulative even when the exporter prefers delta.
      expect(m1.get('test.queue')).toMatchObject({
        type: 'sum',
        monotonic: false,
        temporality: 'cumulative',
      });
      expect(numberPoints(m1.get('test.queue'))[0]?.value).toBe(-2);
      expect(m1.get('test.load')).toMatchObject({ type: 'gauge', unit: '1' });
      expect(numberPoints(m1.get('test.load'))[0]).toMatchObject({ attributes: { core: 1 }, value: 0.75 });
      expect(m1.get('test.exponential')).toEqual({
        name: 'test.exponential',
        unit: '',
        description: '',
        type: 'unsupported',
        kind: 'exponential_histogram',
        pointCount: 1,
      });

      // @modelpulse/otel's score histogram: the 22 unit buckets, one series per label and holdout flag.
      const scores = histogramPoints(m1.get('ml.prediction.score'));
      const model = { 'ml.model.name': 'loan-rejection', 'ml.model.version': '3' };
      const series = (label: string, holdout: boolean) =>
        scores.find(
          (p) => p.attributes['ml.prediction.label'] === label && p.attributes['ml.holdout'] === holdout,
        );
      expect(series('reject', false)).toMatchObject({
        attributes: { ...model, 'ml.prediction.label': 'reject', 'ml.holdout': false },
        bounds: UNIT_BOUNDARIES,
        counts: buckets(22, 17), // 0.82 ∈ (0.8, 0.85]
        count: 1,
      });
      expect(series('accept', false)?.counts).toEqual(buckets(22, 2)); // 0.1 ∈ (0.05, 0.1]
      expect(series('accept', true)?.counts).toEqual(buckets(22, 3)); // 0.12 ∈ (0.1, 0.15]
      const reject2 = histogramPoints(m2.get('ml.prediction.score')).find(
        (p) => p.attributes['ml.prediction.label'] === 'reject',
      );
      expect(reject2?.counts).toEqual(temporality === 'delta' ? buckets(22, 17) : buckets(22, 17, 17));
    },
  );
});

describe.each(FORMATS)('spans from the real %s exporter', (format) => {
  it('decode ids, parents, kinds, times, attributes and status as the SDK recorded them', async () => {
    const { body, spans } = await recordSpans(format);
    const decoded = decodeTracesRequest(body, format);
    const expected = expectedSpans(spans);
    // An int64 beyond 2^53 is kept exact as its decimal digits.
    for (const span of expected.spans) if ('big' in span.attributes) span.attributes.big = String(2n ** 60n);
    expect(decoded).toEqual(expected);

    const byName = new Map(decoded.spans.map((s) => [s.name, s]));
    const parent = byName.get('POST /predict')!;
    const child = byName.get('GET credit-agency')!;
    const sdkParent = spans.find((s) => s.name === 'POST /predict')!;
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parent.traceId).toBe(sdkParent.spanContext().traceId);
    expect(parent.spanId).toBe(sdkParent.spanContext().spanId);
    expect(parent.parentSpanId).toBeUndefined();
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(parent.kind).toBe(2); // SERVER
    expect(child.kind).toBe(3); // CLIENT
    expect(parent.status).toEqual({ code: 1, message: '' });
    expect(child.status).toEqual({ code: 2, message: 'agency timed out' });
    expect(child.attributes).toEqual({
      'peer.service': 'agency',
      tags: ['x', 'y'],
      big: '1152921504606846976',
      'ml.holdout': true,
    });
    expect(parent.attributes).toMatchObject({
      'http.status_code': 500,
      'retry.ratio': 0.5,
      'cache.hit': false,
    });
    expect(parent.resource).toEqual(RESOURCE_ATTRIBUTES);
    expect(parent.scope).toEqual({ name: 'capture-test', version: '4.5.6' });
    expect(child.endTimeUnixNano).toBeGreaterThanOrEqual(child.startTimeUnixNano);
    const predict = byName.get('ml.predict loan-rejection');
    expect(predict?.attributes).toMatchObject({
      'ml.model.name': 'loan-rejection',
      'ml.prediction.id': 'application-17',
      'ml.prediction.score': 0.91,
      'ml.prediction.label': 'reject',
      'ml.holdout': false,
    });
  });
});

// ---- Hand-made protobuf: the parts of OTLP the SDK does not send ----

const HEX_TRACE = '5b8efff798038103d269b633813fc60c';
const HEX_SPAN = 'eee19b7ec3c1b174';

const anyString = (s: string) => str(1, s);
const kv = (field: number, k: string, value: Uint8Array) => len(field, str(1, k), len(2, value));

/** ExportMetricsServiceRequest with one metric in one scope in one resource. */
function metricsBody(metric: Uint8Array, resource: Uint8Array = new Uint8Array()): Uint8Array {
  return len(1, resource, len(2, len(1, str(1, 'scope'), str(2, '9')), len(2, metric)));
}

function histogramMetric(...point: Uint8Array[]): Uint8Array {
  return concat(str(1, 'h'), len(9, len(1, ...point), vint(2, 2)));
}

function decodeOne(body: Uint8Array): Metric {
  const metric = decodeMetricsRequest(body, 'protobuf').resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
  if (!metric) throw new Error('no metric');
  return metric;
}

function decodeError(run: () => unknown): OtlpDecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error('expected an OtlpDecodeError');
}

describe('protobuf edge cases', () => {
  const point = [
    fx64(2, 100n),
    fx64(3, 200n),
    fx64(4, 6),
    dbl(5, 7.5),
    kv(9, 'k', anyString('v')),
    dbl(11, 0.5),
    dbl(12, 4),
  ];
  const expected = {
    attributes: { k: 'v' },
    startTimeUnixNano: 100n,
    timeUnixNano: 200n,
    count: 6,
    sum: 7.5,
    min: 0.5,
    max: 4,
    bounds: [1, 2],
    counts: [1, 2, 3],
    exemplars: [],
  };

  it('reads packed and unpacked bucket_counts and explicit_bounds alike', () => {
    const packed = histogramMetric(
      ...point,
      len(6, fixed64(1), fixed64(2), fixed64(3)),
      len(7, f64(1), f64(2)),
    );
    const unpacked = histogramMetric(...point, fx64(6, 1), fx64(6, 2), fx64(6, 3), dbl(7, 1), dbl(7, 2));
    for (const body of [packed, unpacked]) {
      expect(decodeOne(metricsBody(body))).toEqual({
        name: 'h',
        unit: '',
        description: '',
        type: 'histogram',
        temporality: 'cumulative',
        points: [expected],
      });
    }
  });

  it('shares one frozen attribute object and one bounds array between points with the same bytes', () => {
    const counts = len(6, fixed64(1), fixed64(2), fixed64(3));
    const attrs = (value: string) => [kv(9, 'model', anyString('m')), kv(9, 'k', anyString(value))];
    const times = [fx64(2, 100n), fx64(3, 200n), fx64(4, 6)];
    const bodyOf = (...points: Uint8Array[][]) =>
      metricsBody(concat(str(1, 'h'), len(9, ...points.map((p) => len(1, ...p)), vint(2, 2))));
    const first = histogramPoints(
      decodeOne(
        bodyOf(
          [...times, ...attrs('a'), counts, len(7, f64(1), f64(2))],
          [...times, ...attrs('a'), counts, len(7, f64(1), f64(2))],
          [...times, ...attrs('b'), counts, len(7, f64(-0), f64(2))],
          // a second attribute field after other fields: merged into a copy, the shared object untouched
          [...times, ...attrs('a'), counts, len(7, f64(0), f64(2)), kv(9, 'extra', anyString('x'))],
        ),
      ),
    );
    const [p0, p1, p2, p3] = first;
    expect(p0?.attributes).toEqual({ model: 'm', k: 'a' });
    expect(p1?.attributes).toBe(p0?.attributes);
    expect(Object.isFrozen(p0?.attributes)).toBe(true);
    expect(p1?.bounds).toBe(p0?.bounds);
    expect(p2?.attributes).toEqual({ model: 'm', k: 'b' });
    expect(Object.is(p2?.bounds[0], -0)).toBe(true); // -0 is not the 0 of the point before
    expect(p3?.attributes).toEqual({ model: 'm', k: 'a', extra: 'x' });
    expect(p3?.bounds).not.toBe(p2?.bounds);
    expect(p3?.bounds).toEqual([0, 2]);
    expect(p0?.attributes).toEqual({ model: 'm', k: 'a' });
    // the next request's points with the same bytes get the same object
    const again = histogramPoints(
      decodeOne(bodyOf([...times, ...attrs('a'), counts, len(7, f64(1), f64(2))])),
    );
    expect(again[0]?.attributes).toBe(p0?.attributes);
    // a malformed attribute run is refused every time, never remembered
    const bad = bodyOf([...times, len(9, str(1, 'k'), len(2, new Uint8Array([0x0a, 0x01, 0xff]))), counts]);
    for (let i = 0; i < 2; i++) expect(decodeError(() => decodeOne(bad)).message).toMatch(/invalid UTF-8/);
  });

  it('reads exemplars with hex ids and double or int values', () => {
    const metric = histogramMetric(
      ...point,
      len(6, fixed64(1), fixed64(2), fixed64(3)),
      len(7, f64(1), f64(2)),
      len(8, fx64(2, 150n), dbl(3, 1.5), len(4, hexBytes(HEX_SPAN)), len(5, hexBytes(HEX_TRACE))),
      len(8, fx64(2, 160n), fx64(6, -3n)),
      len(8, fx64(2, 170n)), // no value: dropped
    );
    expect(histogramPoints(decodeOne(metricsBody(metric)))[0]?.exemplars).toEqual([
      { value: 1.5, timeUnixNano: 150n, traceId: HEX_TRACE, spanId: HEX_SPAN },
      { value: -3, timeUnixNano: 160n },
    ]);
  });

  it('reads every AnyValue kind, keeps int64 beyond 2^53 as digits and refuses to touch __proto__', () => {
    const resource = len(
      1,
      kv(1, 's', anyString('text')),
      kv(1, 'b', vint(2, 1)),
      kv(1, 'i', vint(3, -42)),
      kv(1, 'max', vint(3, 2n ** 63n - 1n)),
      kv(1, 'min', vint(3, -(2n ** 63n))),
      kv(1, 'safe', vint(3, 2 ** 53 - 1)),
      kv(1, 'd', dbl(4, -0.5)),
      kv(1, 'arr', len(5, len(1, anyString('a')), len(1, vint(3, 7)), len(1))),
      kv(1, 'kv', len(6, kv(1, 'inner', vint(2, 0)))),
      kv(1, 'bytes', len(7, [0xde, 0xad, 0xbe, 0xef])),
      kv(1, 'empty', new Uint8Array()),
      kv(1, 'unicode', anyString('größe ✓ 😀')),
      kv(1, '__proto__', anyString('polluted')),
    );
    const decoded = decodeMetricsRequest(metricsBody(new Uint8Array(), resource), 'protobuf');
    const attrs = decoded.resourceMetrics[0]!.resource;
    expect(attrs).toEqual({
      s: 'text',
      b: true,
      i: -42,
      max: '9223372036854775807',
      min: '-9223372036854775808',
      safe: 2 ** 53 - 1,
      d: -0.5,
      arr: ['a', 7, null],
      kv: { inner: false },
      bytes: '3q2+7w==',
      empty: null,
      unicode: 'größe ✓ 😀',
      ['__proto__']: 'polluted',
    });
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toContain('__proto__');
  });

  it('reads sums, gauges and int values; NaN passes through for the store to refuse; gaps are dropped', () => {
    const sum = concat(
      str(1, 'c'),
      str(3, '{x}'),
      len(
        7,
        len(1, fx64(2, 1n), fx64(3, 2n), fx64(6, -5n)),
        len(1, fx64(3, 3n), dbl(4, Number.NaN)),
        len(1, fx64(3, 4n), dbl(4, 9), vint(8, 1)), // FLAG_NO_RECORDED_VALUE
        vint(2, 1),
        vint(3, 1),
      ),
    );
    expect(decodeOne(metricsBody(sum))).toEqual({
      name: 'c',
      unit: '{x}',
      description: '',
      type: 'sum',
      temporality: 'delta',
      monotonic: true,
      points: [
        { attributes: {}, startTimeUnixNano: 1n, timeUnixNano: 2n, value: -5 },
        { attributes: {}, startTimeUnixNano: 0n, timeUnixNano: 3n, value: Number.NaN },
      ],
    });
    const gauge = concat(str(1, 'g'), len(5, len(1, fx64(3, 9n), dbl(4, 0))));
    expect(decodeOne(metricsBody(gauge))).toMatchObject({ type: 'gauge', points: [{ value: 0 }] });
    const summary = concat(str(1, 's'), len(11, len(1), len(1), vint(2, 1)));
    expect(decodeOne(metricsBody(summary))).toMatchObject({
      type: 'unsupported',
      kind: 'summary',
      pointCount: 2,
    });
    expect(decodeOne(metricsBody(str(1, 'nothing')))).toMatchObject({ type: 'unsupported', kind: 'empty' });
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = concat(vint(99, 300), fx64(98, 1n), len(97, [1, 2, 3]), key(96, 5), [1, 2, 3, 4]);
    const body = concat(
      unknown,
      len(
        1,
        unknown,
        len(
          2,
          unknown,
          len(1, unknown, str(1, 'scope')),
          len(
            2,
            unknown,
            histogramMetric(unknown, ...point, fx64(6, 1), fx64(6, 2), fx64(6, 3), dbl(7, 1), dbl(7, 2)),
          ),
        ),
      ),
    );
    expect(histogramPoints(decodeOne(body))).toEqual([expected]);
  });

  it('decodes an empty body as an empty request', () => {
    expect(decodeMetricsRequest(new Uint8Array(), 'protobuf')).toEqual({ resourceMetrics: [] });
    expect(decodeTracesRequest(new Uint8Array(), 'protobuf')).toEqual({ spans: [] });
    expect(decodeLogsRequest(new Uint8Array(), 'protobuf')).toEqual({ recordCount: 0 });
  });

  it.each([
    ['wire type 3 (start group)', [0x0b], /group wire type 3 at byte 0/],
    ['wire type 4 (end group)', [0x0c], /group wire type 4/],
    ['wire type 6', [0x0e], /invalid wire type 6/],
    ['wire type 7', [0x0f], /invalid wire type 7/],
    ['field number 0', [0x02, 0x00], /invalid field tag/],
    ['a truncated varint', [0x08, 0x80], /truncated varint/],
    ['a varint longer than 10 bytes', [0x08, ...new Array(10).fill(0xff), 0x01], /malformed varint/],
    ['a truncated fixed64', [0x09, 1, 2, 3], /truncated 64-bit field 1 at byte 1/],
    ['a length past the end', [0x0a, 0x05, 0x01], /truncated length-delimited field 1 at byte 1/],
    [
      'a 2^31 length prefix',
      [0x0a, ...varint(2 ** 31), 0x00],
      /truncated length-delimited field 1 at byte 1/,
    ],
    ['a 2^63 length prefix', [0x0a, ...varint(2n ** 63n)], /truncated length-delimited field 1/],
  ])('refuses %s', (_, bytes, message) => {
    expect(decodeError(() => decodeMetricsRequest(new Uint8Array(bytes), 'protobuf')).message).toMatch(
      message,
    );
  });

  it('bounds each length by its enclosing message, not the whole body', () => {
    // ResourceMetrics says 2 bytes, but the scope_metrics field inside claims 5 (more bytes follow it).
    const body = new Uint8Array([0x0a, 0x02, 0x12, 0x05, 0x0a, 0x00, 0x0a, 0x00, 0x00]);
    expect(decodeError(() => decodeMetricsRequest(body, 'protobuf')).message).toBe(
      'truncated length-delimited field 2 at byte 3',
    );
  });

  it.each([
    [
      'bucket counts that do not fit the bounds',
      [len(6, fixed64(1), fixed64(2), fixed64(3)), len(7, f64(1), f64(2), f64(3), f64(4), f64(5))],
      /^metric "h": histogram data point at byte \d+: bucket_counts has 3 entries, explicit_bounds 5$/,
    ],
    ['bounds that do not increase', [len(7, f64(2), f64(1))], /explicit_bounds\[1\] \(1\) is not above/],
    ['a NaN bound', [len(7, f64(Number.NaN))], /explicit_bounds\[0\] is NaN, not a finite number/],
    ['an infinite bound', [dbl(7, Number.POSITIVE_INFINITY)], /explicit_bounds\[0\] is Infinity/],
    ['a count of 2^53', [fx64(4, 2n ** 53n)], /2\^53 or more/],
    ['a bucket count of 2^63', [len(6, fixed64(2n ** 63n), fixed64(1))], /2\^53 or more/],
    ['packed doubles cut mid-value', [len(7, [1, 2, 3])], /not a multiple of 8/],
  ])('refuses a histogram point with %s', (_, fields, message) => {
    const body = metricsBody(histogramMetric(...fields));
    expect(decodeError(() => decodeMetricsRequest(body, 'protobuf')).message).toMatch(message);
  });

  it('refuses number points without a value, invalid UTF-8 and runaway nesting', () => {
    const noValue = concat(str(1, 'g'), len(5, len(1, fx64(3, 1n))));
    expect(decodeError(() => decodeOne(metricsBody(noValue))).message).toMatch(
      /neither as_double nor as_int/,
    );
    const badUtf8 = metricsBody(concat(len(1, [0x61, 0xff, 0x62])));
    expect(decodeError(() => decodeOne(badUtf8)).message).toMatch(/invalid UTF-8 in string field 1/);
    let value: Uint8Array = anyString('deep');
    for (let i = 0; i < 200; i++) value = len(5, len(1, value));
    const deep = metricsBody(new Uint8Array(), len(1, kv(1, 'deep', value)));
    expect(decodeError(() => decodeMetricsRequest(deep, 'protobuf')).message).toMatch(
      /nested deeper than 64/,
    );
  });

  const span = (...fields: Uint8Array[]) => len(1, len(2, len(2, ...fields)));

  it('reads spans without a parent and refuses ids of the wrong length', () => {
    const ok = span(
      len(1, hexBytes(HEX_TRACE)),
      len(2, hexBytes(HEX_SPAN)),
      len(4),
      str(5, 'op'),
      vint(6, 1),
      len(15, str(2, 'fine'), vint(3, 1)),
    );
    expect(decodeTracesRequest(ok, 'protobuf').spans[0]).toEqual({
      resource: {},
      scope: { name: '', version: '' },
      traceId: HEX_TRACE,
      spanId: HEX_SPAN,
      name: 'op',
      kind: 1,
      startTimeUnixNano: 0n,
      endTimeUnixNano: 0n,
      attributes: {},
      status: { code: 1, message: 'fine' },
    });
    const shortTrace = span(len(1, hexBytes(HEX_SPAN)), len(2, hexBytes(HEX_SPAN)));
    expect(decodeError(() => decodeTracesRequest(shortTrace, 'protobuf')).message).toMatch(
      /span trace_id must be 16 bytes, got 8/,
    );
    const longParent = span(
      len(1, hexBytes(HEX_TRACE)),
      len(2, hexBytes(HEX_SPAN)),
      len(4, hexBytes(HEX_TRACE)),
    );
    expect(decodeError(() => decodeTracesRequest(longParent, 'protobuf')).message).toMatch(
      /parent_span_id must be 8/,
    );
    const noSpanId = span(len(1, hexBytes(HEX_TRACE)));
    expect(decodeError(() => decodeTracesRequest(noSpanId, 'protobuf')).message).toMatch(/has no span_id/);
  });

  it('counts log records', () => {
    const scopeLogs = (n: number) =>
      len(2, len(1, str(1, 'scope')), ...Array.from({ length: n }, () => len(2, str(5, 'x'))));
    const body = concat(len(1, scopeLogs(2), scopeLogs(3)), len(1, scopeLogs(1)));
    expect(decodeLogsRequest(body, 'protobuf')).toEqual({ recordCount: 6 });
    expect(
      decodeLogsRequest(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}] }, {}] }] }), 'json'),
    ).toEqual({
      recordCount: 2,
    });
  });
});

// ---- Hand-made OTLP/JSON ----

describe('OTLP/JSON edge cases', () => {
  const histogramRequest = (point: Record<string, unknown>, names: 'camel' | 'snake' = 'camel') =>
    names === 'camel'
      ? {
          resourceMetrics: [
            { scopeMetrics: [{ metrics: [{ name: 'h', histogram: { dataPoints: [point] } }] }] },
          ],
        }
      : {
          resource_metrics: [
            {
              scope_metrics: [
                { metrics: [{ name: 'h', histogram: { data_points: [point], aggregation_temporality: 1 } }] },
              ],
            },
          ],
        };

  it('accepts the original proto field names, 64-bit integers as strings or numbers, and ignores unknown fields', () => {
    const camel = decodeMetricsRequest(
      json(
        histogramRequest({
          timeUnixNano: '1700000000000000001',
          startTimeUnixNano: 5,
          count: '6',
          sum: 'NaN',
          bucketCounts: ['1', 2, '3'],
          explicitBounds: [1, '2'],
          exemplars: [{ asInt: '-3', traceId: HEX_TRACE.toUpperCase(), spanId: HEX_SPAN, somethingNew: 1 }],
          attributes: [{ key: 'n', value: { intValue: '9007199254740993' } }],
          somethingNew: { nested: true },
        }),
      ),
      'json',
    );
    expect(histogramPoints(camel.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0])[0]).toEqual({
      attributes: { n: '9007199254740993' },
      startTimeUnixNano: 5n,
      timeUnixNano: 1700000000000000001n,
      count: 6,
      sum: Number.NaN,
      bounds: [1, 2],
      counts: [1, 2, 3],
      exemplars: [{ value: -3, timeUnixNano: 0n, traceId: HEX_TRACE, spanId: HEX_SPAN }],
    });
    const snake = decodeMetricsRequest(
      json(
        histogramRequest(
          {
            time_unix_nano: '7',
            count: 1,
            bucket_counts: [1],
            explicit_bounds: [],
            attributes: [{ key: 'k', value: { string_value: 'v' } }],
          },
          'snake',
        ),
      ),
      'json',
    );
    expect(snake.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]).toMatchObject({
      temporality: 'delta',
      points: [{ timeUnixNano: 7n, count: 1, counts: [1], bounds: [], attributes: { k: 'v' } }],
    });
  });

  it('reads every AnyValue kind like the protobuf decoder', () => {
    const attributes = [
      { key: 'b', value: { boolValue: true } },
      { key: 'd', value: { doubleValue: 'Infinity' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, {}] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { intValue: 1 } }] } } },
      { key: 'bytes', value: { bytesValue: '3q2-7w' } },
      { key: '__proto__', value: { stringValue: 'polluted' } },
    ];
    const decoded = decodeTracesRequest(
      json({
        resourceSpans: [
          {
            resource: { attributes },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: HEX_TRACE,
                    spanId: HEX_SPAN,
                    parentSpanId: '',
                    kind: 'SPAN_KIND_SERVER',
                    status: { code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      }),
      'json',
    );
    const span = decoded.spans[0]!;
    expect(span.resource).toEqual({
      b: true,
      d: Number.POSITIVE_INFINITY,
      arr: ['a', null],
      kv: { x: 1 },
      bytes: '3q2+7w==',
      ['__proto__']: 'polluted',
    });
    expect(Object.getPrototypeOf(span.resource)).toBe(Object.prototype);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.kind).toBe(2);
    expect(span.status).toEqual({ code: 2, message: '' });
  });

  const pointPath = 'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0]';
  it.each([
    ['a count that is an object', { count: {} }, `${pointPath}.count: expected a non-negative integer`],
    [
      'a negative bucket count',
      { bucketCounts: [-1], explicitBounds: [] },
      `${pointPath}.bucketCounts[0]: expected a non-negative`,
    ],
    [
      'a fractional bucket count',
      { bucketCounts: [1.5], explicitBounds: [] },
      `${pointPath}.bucketCounts[0]`,
    ],
    [
      'bounds that are not an array',
      { explicitBounds: 'x' },
      `${pointPath}.explicitBounds: expected an array, got "x"`,
    ],
    [
      'a mismatched layout',
      { bucketCounts: [1, 2, 3], explicitBounds: [1, 2, 3, 4, 5] },
      'bucket_counts has 3 entries, explicit_bounds 5',
    ],
    [
      'a time that is not an integer',
      { timeUnixNano: '1.5' },
      `${pointPath}.timeUnixNano: expected an unsigned 64-bit integer`,
    ],
    [
      'attributes that are not a list',
      { attributes: {} },
      `${pointPath}.attributes: expected an array, got an object`,
    ],
    [
      'an attribute value of the wrong type',
      { attributes: [{ key: 'k', value: { intValue: true } }] },
      `${pointPath}.attributes[0].value.intValue`,
    ],
    [
      'a base64 exemplar trace id',
      { exemplars: [{ asDouble: 1, traceId: 'W47/95gDgQPSabYzgT/GDA==' }] },
      `${pointPath}.exemplars[0].traceId: expected 32 hex digits`,
    ],
  ])('names the JSON path of %s', (_, point, message) => {
    expect(decodeError(() => decodeMetricsRequest(json(histogramRequest(point)), 'json')).message).toContain(
      message,
    );
  });

  it.each([
    ['invalid JSON', encoder.encode('{"resourceMetrics": ['), /^invalid JSON/],
    ['a JSON array', json([]), /^request body: expected an object, got an array$/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    [
      'resourceMetrics that is a string',
      json({ resourceMetrics: 'x' }),
      /^resourceMetrics: expected an array/,
    ],
    [
      'an unknown temporality name',
      json({
        resourceMetrics: [
          { scopeMetrics: [{ metrics: [{ sum: { aggregationTemporality: 'SOMETIMES' } }] }] },
        ],
      }),
      /aggregationTemporality: expected an enum/,
    ],
  ])('refuses %s', (_, body, message) => {
    expect(decodeError(() => decodeMetricsRequest(body, 'json')).message).toMatch(message);
  });

  it('refuses spans with missing or malformed ids', () => {
    const spans = (span: unknown) => json({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    expect(decodeError(() => decodeTracesRequest(spans({ spanId: HEX_SPAN }), 'json')).message).toMatch(
      /has no traceId/,
    );
    expect(
      decodeError(() => decodeTracesRequest(spans({ traceId: HEX_TRACE, spanId: 'zz' }), 'json')).message,
    ).toBe('resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex digits, got "zz"');
  });
});

// ---- Export responses ----

/** Reads the ExportXServiceResponse by hand: field 1 = partial_success { 1: varint rejected, 2: string }. */
function readResponse(bytes: Uint8Array): { rejected?: number; errorMessage?: string } | undefined {
  if (bytes.length === 0) return undefined;
  let at = 0;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  expect(bytes[at++]).toBe(0x0a); // field 1, length-delimited
  const end = readVarint() + at;
  expect(end).toBe(bytes.length);
  const out: { rejected?: number; errorMessage?: string } = {};
  while (at < end) {
    const tag = readVarint();
    if (tag === 0x08) out.rejected = readVarint();
    else if (tag === 0x12) {
      const length = readVarint();
      out.errorMessage = new TextDecoder().decode(bytes.subarray(at, at + length));
      at += length;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return out;
}

describe('encodeExportResponse', () => {
  it('is an empty message without partial success', () => {
    for (const signal of ['metrics', 'traces', 'logs'] as const) {
      expect(encodeExportResponse(signal, 'protobuf')).toEqual(new Uint8Array());
      expect(new TextDecoder().decode(encodeExportResponse(signal, 'json'))).toBe('{}');
      expect(
        new TextDecoder().decode(encodeExportResponse(signal, 'json', { rejected: 0, errorMessage: '' })),
      ).toBe('{}');
    }
  });

  it('encodes partial success in protobuf', () => {
    const message = 'bucket layout changed — ✓';
    expect(
      readResponse(encodeExportResponse('metrics', 'protobuf', { rejected: 3, errorMessage: message })),
    ).toEqual({
      rejected: 3,
      errorMessage: message,
    });
    const long = 'x'.repeat(300); // a two-byte length
    expect(
      readResponse(encodeExportResponse('traces', 'protobuf', { rejected: 2 ** 40, errorMessage: long })),
    ).toEqual({
      rejected: 2 ** 40,
      errorMessage: long,
    });
    expect(
      readResponse(encodeExportResponse('logs', 'protobuf', { rejected: 0, errorMessage: 'warning' })),
    ).toEqual({
      errorMessage: 'warning',
    });
  });

  it('encodes partial success in JSON with int64 as a string and the signal’s field name', () => {
    const text = (signal: 'metrics' | 'traces' | 'logs') =>
      JSON.parse(
        new TextDecoder().decode(encodeExportResponse(signal, 'json', { rejected: 3, errorMessage: 'bad' })),
      );
    expect(text('metrics')).toEqual({ partialSuccess: { rejectedDataPoints: '3', errorMessage: 'bad' } });
    expect(text('traces')).toEqual({ partialSuccess: { rejectedSpans: '3', errorMessage: 'bad' } });
    expect(text('logs')).toEqual({ partialSuccess: { rejectedLogRecords: '3', errorMessage: 'bad' } });
  });

  it('refuses a rejected count that is not a count', () => {
    expect(() => encodeExportResponse('metrics', 'json', { rejected: -1, errorMessage: '' })).toThrow(
      RangeError,
    );
    expect(() => encodeExportResponse('metrics', 'protobuf', { rejected: 1.5, errorMessage: '' })).toThrow(
      RangeError,
    );
  });
});
