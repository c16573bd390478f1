import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MetricsRequest } from '../src/receive/model.js';
import { PackBucket } from '../src/store/bucket-row.js';
import { Store } from '../src/store/index.js';
import { forEachEntry, packEntries } from '../src/store/pack.js';
import { RowWriter } from '../src/store/row-writer.js';
import { HistogramStream, type PointDelta, StreamGroup } from '../src/store/stream.js';
import { type HistogramSample, type HistogramState, histogramStep } from '../src/store/temporality.js';

const S = 1_000n;

function sample(timeNs: bigint, counts: number[], sum: number): HistogramSample {
  return { startNs: S, timeNs, count: counts.reduce((a, b) => a + b, 0), sum, counts };
}

describe('HistogramStream (in place) agrees with histogramStep', () => {
  it('on increases, retries, out-of-order points, resets and layout changes', () => {
    const points = [
      sample(2_000n, [1, 2, 3], 4.5),
      sample(3_000n, [1, 5, 4], 7), // increase
      sample(3_000n, [1, 5, 4], 7), // retry
      sample(2_500n, [9, 9, 9], 1), // out of order
      sample(4_000n, [1, 5, 4], 6.25), // no new measurement, sum went down
      sample(5_000n, [0, 1, 1], 2), // a bucket decreased: reset
      sample(6_000n, [3, 1, 1], 0.5), // increase after the reset
      sample(7_000n, [3, 1, 1, 2], 9), // other layout: reset
      sample(8_000n, [4, 1, 1, 2], 9.5),
    ];
    const first = points[0] as HistogramSample;
    let state: HistogramState = histogramStep(undefined, first).next;
    const stream = new HistogramStream(
      7,
      S,
      first.timeNs,
      first.count,
      first.sum,
      Float64Array.from(first.counts),
    );
    const out: PointDelta = { count: 0, sum: 0, counts: [] };
    for (const p of points.slice(1)) {
      const expected = histogramStep(state, p);
      const applied = stream.advance(p.timeNs, p.count, p.sum, p.counts, out);
      expect(applied).toBe(expected.delta !== null);
      if (expected.delta !== null) {
        expect({ count: out.count, sum: out.sum, counts: Array.from(out.counts) }).toEqual(expected.delta);
      }
      state = expected.next;
      expect({ timeNs: stream.timeNs, count: stream.count, sum: stream.sum }).toEqual({
        timeNs: state.timeNs,
        count: state.count,
        sum: state.sum,
      });
      expect(Array.from(stream.counts)).toEqual(state.counts);
    }
  });
});

describe('StreamGroup', () => {
  it('packs histogram and counter streams with their start and last point and loads them back equal', () => {
    const group = new StreamGroup(3, 0n);
    group.setHistogram(new HistogramStream(7, 5n, 2n ** 62n + 1n, 6, 0.1 + 0.2, Float64Array.from([1, 5])));
    group.setHistogram(new HistogramStream(7, 9n, 50n, 1, 1, Float64Array.from([1, 0]))); // restarted
    group.setCounter(8, { startNs: 5n, timeNs: 40n, value: 9.5 });
    const { blob, oldestNs, newestNs } = group.pack();
    expect([oldestNs, newestNs]).toEqual([40n, 2n ** 62n + 1n]);
    const back = new StreamGroup(3, 0n);
    back.load(blob);
    const h = back.histogram(7, 5n);
    expect([h?.startNs, h?.timeNs, h?.count, h?.sum, Array.from(h?.counts ?? [])]).toEqual([
      5n,
      2n ** 62n + 1n,
      6,
      0.1 + 0.2,
      [1, 5],
    ]);
    expect(back.histogram(7, 9n)?.timeNs).toBe(50n);
    expect(back.histogram(7, 6n)).toBeUndefined();
    expect(back.counter(8, 5n)).toMatchObject({ startNs: 5n, timeNs: 40n, value: 9.5 });
    expect(() => back.load(blob.subarray(0, blob.byteLength - 1))).toThrow(/cut short/);
  });
});

describe('BucketRow', () => {
  it('sums a request apart, then adds it to the committed totals', () => {
    const pack = new PackBucket(7, 60_000);
    const row = pack.row(1);
    expect(row.add(2, 0.1, [1, 1])).toBe(true);
    expect(row.add(1, 0.2, [0, 1])).toBe(false);
    row.settle();
    expect([row.stored, row.count, row.sum, Array.from(row.counts ?? [])]).toEqual([
      true,
      3,
      0.1 + 0.2,
      [1, 2],
    ]);
    expect(row.add(4, 0.3, [2, 2])).toBe(true); // a new request starts from zero again
    row.settle();
    expect([row.count, row.sum, Array.from(row.counts ?? [])]).toEqual([7, 0.1 + 0.2 + 0.3, [3, 4]]);
    expect(entriesOf(pack.blob())).toEqual([[1, 7, 0.1 + 0.2 + 0.3, [3, 4]]]);
  });

  it('adds to a row read from the file, zero-padding a shorter vector, and keeps counters without counts', () => {
    const pack = new PackBucket(7, 0);
    const row = pack.row(1);
    row.load(1, 1, Float64Array.from([1]));
    row.add(3, 2, [1, 2]);
    row.settle();
    expect([row.count, row.sum, Array.from(row.counts ?? [])]).toEqual([4, 3, [2, 2]]);
    const counter = pack.row(2);
    counter.load(0, 5, null);
    counter.add(0, 2, null);
    counter.settle();
    pack.row(3); // asked for, never added to: not stored, not in the pack
    expect(entriesOf(pack.blob())).toEqual([
      [1, 4, 3, [2, 2]],
      [2, 0, 7, null],
    ]);
  });
});

function entriesOf(blob: Uint8Array): [number, number, number, number[] | null][] {
  const out: [number, number, number, number[] | null][] = [];
  forEachEntry(blob, (id, count, sum, counts, width) => {
    out.push([id, count, sum, width < 0 ? null : Array.from(counts.subarray(0, width))]);
  });
  return out;
}

describe('packs', () => {
  it('keep every double bit for bit, counters and histograms without buckets apart', () => {
    const awkward = [0.1 + 0.2, 2 ** 53 + 2, -0, 5e-324, 1.7976931348623157e308, 2 ** 63, 1 / 3];
    const entries = [
      { seriesId: 4_294_967_295, count: 2 ** 53, sum: 0.30000000000000004, counts: awkward },
      { seriesId: 1, count: 0, sum: -1.5, counts: null },
      { seriesId: 2, count: 3, sum: 4, counts: [] },
    ];
    const blob = packEntries(entries);
    expect(blob.byteLength).toBe(3 * 24 + 8 * awkward.length);
    const back = entriesOf(blob);
    expect(back).toEqual([
      [4_294_967_295, 2 ** 53, 0.30000000000000004, awkward],
      [1, 0, -1.5, null],
      [2, 3, 4, []],
    ]);
    expect(Object.is(back[0]?.[3]?.[2], -0)).toBe(true);
  });

  it('write whole counts as varints, a byte below 128, and any other counts as doubles', () => {
    const whole = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 53 - 1];
    const blob = packEntries([
      { seriesId: 1, count: 5, sum: 2.5, counts: whole },
      { seriesId: 2, count: 1, sum: 1, counts: [1, 0.5] },
      { seriesId: 3, count: 1, sum: 1, counts: [1, -1] },
      { seriesId: 4, count: 0, sum: 0, counts: [-0] },
    ]);
    // varints: 1 + 1 + 1 + 2 + 2 + 3 + 5 + 8 bytes; the other three entries as doubles
    expect(blob.byteLength).toBe(24 + 23 + (24 + 16) + (24 + 16) + (24 + 8));
    const back = entriesOf(blob);
    expect(back.map((e) => e[3])).toEqual([whole, [1, 0.5], [1, -1], [-0]]);
    expect(Object.is(back[3]?.[3]?.[0], -0)).toBe(true);
  });

  it('refuse a BLOB cut short instead of reading part of it', () => {
    const blob = packEntries([
      { seriesId: 1, count: 1, sum: 1, counts: [1, 2, 3] },
      { seriesId: 2, count: 0, sum: 4, counts: null },
    ]);
    expect(blob.byteLength).toBe(24 + 3 + 24); // three small whole counts: a byte each
    expect(() => entriesOf(blob.subarray(0, blob.byteLength - 8))).toThrow(/cut short at byte 27/);
    expect(() => entriesOf(blob.subarray(0, 26))).toThrow(/cut short at byte 0/);
    expect(() => entriesOf(blob.subarray(0, 20))).toThrow(/cut short at byte 0/);
  });
});

describe('RowWriter', () => {
  it('writes any number of rows in statements of at most 100 rows', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)');
    const writer = new RowWriter(
      db,
      'INSERT INTO t (a, b)',
      2,
      'ON CONFLICT (a) DO UPDATE SET b = excluded.b',
    );
    for (let i = 0; i < 250; i++) writer.add(i, 'x');
    writer.add(0, 'y');
    writer.flush();
    writer.flush(); // nothing queued: nothing happens
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 250 });
    expect(db.prepare('SELECT b FROM t WHERE a = 0').get()).toEqual({ b: 'y' });
    writer.add(1000, 'z');
    writer.discard();
    writer.flush();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 250 });
  });
});

describe('bucket totals kept in memory', () => {
  const T0 = 28_333_333 * 60_000;
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  const resource = { 'service.name': 'loan-api', 'service.instance.id': 'a' };
  const scope = { name: '@modelpulse/otel', version: '0.1.0' };
  function deltaCounter(atMs: number, value: number): MetricsRequest {
    const point = {
      attributes: { 'ml.model.name': 'loan', 'ml.model.version': '3' },
      startTimeUnixNano: ns(atMs - 5),
      timeUnixNano: ns(atMs),
      value,
    };
    const metric = {
      name: 'ml.outcome',
      unit: '',
      description: '',
      type: 'sum' as const,
      temporality: 'delta' as const,
      monotonic: true,
      points: [point],
    };
    return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [metric] }] }] };
  }
  const total = (store: Store, fromMs: number) =>
    store.counters({ model: 'loan', instrument: 'ml.outcome', fromMs, toMs: fromMs + 60_000 })[0]?.value;

  it('adds a late point to an older bucket whose row was dropped from the cache', () => {
    const store = Store.open({ path: ':memory:' });
    store.ingestMetrics(deltaCounter(T0 + 10_000, 1), T0);
    store.ingestMetrics(deltaCounter(T0 + 70_000, 2), T0); // next minute: the first row leaves the cache
    store.ingestMetrics(deltaCounter(T0 + 20_000, 4), T0); // late point of the first minute
    store.ingestMetrics(deltaCounter(T0 + 30_000, 8), T0);
    expect([total(store, T0), total(store, T0 + 60_000)]).toEqual([13, 2]);
    store.close();
  });
});
