/**
 * One full analysis cycle over a store of MODELS models × FEATURES features × the default windows (1h,
 * 24h, 7d): every model's report as the service's schedule computes it, read from a SQLite file. Traffic
 * is healthy (drawn from each model's own profile, 500 predictions an hour), exported every minute over
 * the last RECENT_MINUTES (the SDK's default interval) and every EXPORT_MINUTES before that, over 7 days.
 * Reported: the cold cycle (no threshold cached yet, as on a new installation), the steady cycles that
 * follow a minute apart, each after one more minute of traffic, and how much of it is reading from the
 * store. Beside them, the CPU time of each steady cycle and the pages of memory it touched for the first
 * time (the heap growing), with the cost of such a page measured in the same run: on some virtual
 * machines it is ten times what it is elsewhere, and it decides which cycles are slow. Not a test:
 * nothing fails on timing.
 *
 *   npx -y pnpm@12.4.2 --filter @modelpulse/analysis bench:cycle   (BENCH_MODELS, BENCH_FEATURES,
 *   BENCH_EXPORT_MINUTES, BENCH_RECENT_MINUTES, BENCH_REPEATS, BENCH_WITHOUT_PROFILE (models analysed
 *   without their profile), BENCH_THRESHOLDS=file (start with the thresholds a previous run saved there,
 *   as a restarted service does, or save them there at the end when there is no such file),
 *   BENCH_PROFILE=file.cpuprofile and BENCH_PROFILE_FROM to tune)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile, createRandom, OTHER_CATEGORY, type Profile, type Random } from '@modelpulse/stats';
import Database from 'better-sqlite3';
import type { ModelSettings } from '../src/analyse/cycle.js';
import { NullCacheFile } from '../src/analyse/null-cache-file.js';
import { runCycle } from '../src/analyse/schedule.js';
import type { HistogramPoint, Metric, MetricsRequest, NumberPoint } from '../src/receive/model.js';
import { Store } from '../src/store/index.js';
import { forEachEntry } from '../src/store/pack.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const FEATURES = Number(process.env.BENCH_FEATURES ?? 50);
const EXPORT_MINUTES = Number(process.env.BENCH_EXPORT_MINUTES ?? 60);
// Two hours of minutes: in the first, cycles still simulate the window sizes met for the first time; the
// second shows the service once most of those are kept. Both are reported.
const REPEATS = Number(process.env.BENCH_REPEATS ?? 120);
const RECENT_MINUTES = Number(process.env.BENCH_RECENT_MINUTES ?? 120);
const WITHOUT_PROFILE = Number(process.env.BENCH_WITHOUT_PROFILE ?? 0);
const PER_HOUR = 500; // predictions per model and hour
const CATEGORICAL_EVERY = 4; // every 4th feature is categorical (5 values)
const MIN = 60_000;
const NOW = Math.floor(Date.UTC(2026, 10, 27, 12) / MIN) * MIN;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Each model's own training data: gamma-like numeric features and skewed categories, then its profile. */
function modelProfile(m: number): Profile {
  const random = createRandom(1000 + m);
  const rows = 4000;
  const columns: Record<string, unknown[]> = { score: [], label: [] };
  const features: Record<string, 'numeric' | 'categorical'> = {};
  for (let f = 0; f < FEATURES; f++) {
    const name = `f${f}`;
    const categorical = f % CATEGORICAL_EVERY === 0;
    features[name] = categorical ? 'categorical' : 'numeric';
    const shape = 1 + random() * 4;
    const weights = [1, 2, 3, 4, 5].map(() => random());
    const total = weights.reduce((a, b) => a + b, 0);
    columns[name] = Array.from({ length: rows }, () => {
      if (categorical) {
        let u = random() * total;
        let k = 0;
        while (u > (weights[k] as number) && k < 4) u -= weights[k++] as number;
        return `c${k}`;
      }
      let x = 0;
      for (let s = 0; s < shape; s++) x -= Math.log(1 - random());
      return random() < 0.02 ? null : x;
    });
  }
  for (let r = 0; r < rows; r++) {
    const y = random() < 0.3;
    columns.label?.push(y ? 'bad' : 'good');
    columns.score?.push(Math.min(1, Math.max(0, (y ? 0.65 : 0.3) + 0.15 * normal(random))));
  }
  return buildProfile(
    { columns: columns as Record<string, (number | string | null)[]> },
    {
      features,
      label: 'label',
      score: 'score',
    },
  );
}

/** Counts of `n` draws from `shares`, approximately multinomial (normal noise, rounded, at least 0). */
function draw(shares: readonly number[], n: number, random: Random): number[] {
  return shares.map((p) => Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(random))));
}

/** A delta point over (fromMs, t]. */
function hp(
  attributes: Record<string, string | boolean>,
  fromMs: number,
  t: number,
  bounds: number[],
  counts: number[],
): HistogramPoint {
  const count = counts.reduce((a, b) => a + b, 0);
  return {
    attributes,
    startTimeUnixNano: ns(fromMs),
    timeUnixNano: ns(t),
    count,
    sum: counts.reduce((a, c, i) => a + c * ((bounds[Math.min(i, bounds.length - 1)] ?? 0) as number), 0),
    bounds,
    counts,
    exemplars: [],
  };
}
const np = (
  attributes: Record<string, string | boolean>,
  fromMs: number,
  t: number,
  value: number,
): NumberPoint => ({
  attributes,
  startTimeUnixNano: ns(fromMs),
  timeUnixNano: ns(t),
  value,
});
const histogram = (name: string, points: HistogramPoint[]): Metric => ({
  name,
  unit: '1',
  description: '',
  type: 'histogram',
  temporality: 'delta',
  points,
});
const sum = (name: string, points: NumberPoint[]): Metric => ({
  name,
  unit: '1',
  description: '',
  type: 'sum',
  temporality: 'delta',
  monotonic: true,
  points,
});

/** One delta export of model m at time t, as @modelpulse/otel records it (same instruments and attributes). */
function exportOf(m: number, profile: Profile, t: number, minutes: number, random: Random): MetricsRequest {
  const from = t - minutes * MIN;
  const perExport = Math.round((PER_HOUR * minutes) / 60);
  const base = { 'ml.model.name': `model-${m}`, 'ml.model.version': '1' };
  const score = profile.score as NonNullable<Profile['score']>;
  const scores: HistogramPoint[] = [];
  for (const label of ['reject', 'accept'])
    for (const holdout of [false, true]) {
      const n = Math.round(perExport * (label === 'reject' ? 0.3 : 0.7) * (holdout ? 0.05 : 0.95));
      scores.push(
        hp(
          { ...base, 'ml.prediction.label': label, 'ml.holdout': holdout },
          from,
          t,
          score.boundaries,
          draw(score.shares, n, random),
        ),
      );
    }
  const quantiles: HistogramPoint[] = [];
  const categories: NumberPoint[] = [];
  const missing: NumberPoint[] = [];
  for (const [name, f] of Object.entries(profile.features)) {
    const attributes = { ...base, 'ml.feature.name': name };
    const total = f.count + f.missing;
    const absent = draw([f.missing / total], perExport, random)[0] as number;
    if (absent > 0) missing.push(np(attributes, from, t, absent));
    if (f.type === 'numeric') {
      quantiles.push(
        hp(attributes, from, t, profile.quantileBoundaries, draw(f.shares, perExport - absent, random)),
      );
    } else {
      const names = [...Object.keys(f.categories), OTHER_CATEGORY];
      const counts = draw(
        names.map((c) => f.categories[c] ?? 0),
        perExport - absent,
        random,
      );
      names.forEach((c, i) => {
        if ((counts[i] as number) > 0)
          categories.push(np({ ...attributes, 'ml.feature.category': c }, from, t, counts[i] as number));
      });
    }
  }
  const outcomes: NumberPoint[] = [];
  for (const predicted of ['reject', 'accept'])
    for (const actual of ['bad', 'good'])
      outcomes.push(
        np(
          { ...base, 'ml.prediction.label': predicted, 'ml.outcome.label': actual, 'ml.holdout': true },
          from,
          t,
          1 + Math.floor(random() * 5),
        ),
      );
  return {
    resourceMetrics: [
      {
        resource: { 'service.name': `svc-${m}`, 'service.instance.id': 'a' },
        scopeMetrics: [
          {
            scope: { name: '@modelpulse/otel', version: '0.1.0' },
            metrics: [
              histogram('ml.prediction.score', scores),
              histogram('ml.feature.quantile', quantiles),
              sum('ml.feature.category', categories),
              sum('ml.feature.missing', missing),
              sum('ml.outcome', outcomes),
            ],
          },
        ],
      },
    ],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'modelpulse-cycle-'));
const store = Store.open({ path: join(dir, 'cycle.db') });
const settings = new Map<string, ModelSettings>();
const profiles: Profile[] = [];
for (let m = 0; m < MODELS; m++) {
  const profile = modelProfile(m);
  profiles.push(profile);
  // The first WITHOUT_PROFILE models are analysed without their profile: drift against the previous window.
  settings.set(`model-${m}`, m < WITHOUT_PROFILE ? { positive: 'bad' } : { profile, positive: 'bad' });
}
const random = createRandom(7);
let points = 0;
const fillStart = performance.now();
// Older traffic in EXPORT_MINUTES exports (keeps the store to a bench's size); the last RECENT_MINUTES
// exported every minute, as the SDK's default 60 s interval does, so that windows slide a minute at a time.
const recentFrom = NOW - RECENT_MINUTES * MIN;
for (let last = NOW - 7 * 24 * 60 * MIN; last < NOW; ) {
  // Each export covers (last, t]: a long one while it ends by recentFrom, else one minute.
  const t = last + EXPORT_MINUTES * MIN <= recentFrom ? last + EXPORT_MINUTES * MIN : last + MIN;
  for (let m = 0; m < MODELS; m++) {
    const r = store.ingestMetrics(exportOf(m, profiles[m] as Profile, t, (t - last) / MIN, random), t);
    points += r.accepted;
  }
  last = t;
}
const fillMs = performance.now() - fillStart;
store.checkpoint();
/** Series × time buckets with data, and the pack rows that hold them. */
const { bucketEntries, packRows } = (() => {
  const db = new Database(join(dir, 'cycle.db'), { readonly: true });
  try {
    let bucketEntries = 0;
    let packRows = 0;
    const packs = db.prepare<[], { entries: Buffer }>('SELECT entries FROM packs');
    for (const { entries } of packs.iterate()) {
      packRows++;
      forEachEntry(entries, () => bucketEntries++);
    }
    return { bucketEntries, packRows };
  } finally {
    db.close();
  }
})();

/**
 * One timed cycle: wall time, the store reads inside it, the process's CPU time (every thread, the
 * collector's included) and the pages it touched for the first time.
 */
interface Timed {
  ms: number;
  readMs: number;
  reports: number;
  userMs: number;
  systemMs: number;
  pageFaults: number;
}

/** Times one cycle, and the store reads inside it (the Store's read methods, wrapped for the run). */
function timed(now: number): Timed {
  let readMs = 0;
  const wrapped = [
    'histograms',
    'counters',
    'outcomeSpans',
    'unlabelledOutcomes',
    'predictionSpans',
    'exemplars',
    'recentExemplars',
    'models',
  ] as const;
  const originals = wrapped.map((name) => [name, store[name]] as const);
  for (const [name, fn] of originals) {
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const start = performance.now();
      try {
        return (fn as (...a: unknown[]) => unknown).apply(store, args);
      } finally {
        readMs += performance.now() - start;
      }
    };
  }
  const usage = process.resourceUsage();
  const start = performance.now();
  const reports = runCycle(store, settings, now);
  const ms = performance.now() - start;
  const after = process.resourceUsage();
  for (const [name] of originals) delete (store as unknown as Record<string, unknown>)[name];
  return {
    ms,
    readMs,
    reports: reports.length,
    userMs: (after.userCPUTime - usage.userCPUTime) / 1000,
    systemMs: (after.systemCPUTime - usage.systemCPUTime) / 1000,
    pageFaults: after.minorPageFault - usage.minorPageFault,
  };
}

/**
 * The baseline for the page faults: microseconds per page of fresh memory written once (64 MiB, a byte
 * per 4 KiB page), median of three. A cycle that grows the heap into new pages pays this per page.
 */
function freshPageMicros(): number {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const before = process.resourceUsage().minorPageFault;
    const start = performance.now();
    const bytes = new Uint8Array(64 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    const ms = performance.now() - start;
    const faults = process.resourceUsage().minorPageFault - before;
    runs.push((ms * 1000) / Math.max(1, faults));
  }
  return median(runs);
}

// As the service keeps its thresholds beside the database (`<db>-thresholds.json`) and loads them at start.
const thresholds = process.env.BENCH_THRESHOLDS ? new NullCacheFile(process.env.BENCH_THRESHOLDS) : undefined;
const thresholdsLoaded = thresholds?.load() ?? 0;
const cold = timed(NOW);
const steady: Timed[] = [];
// BENCH_PROFILE=file.cpuprofile: a CPU profile of the steady cycles (open it in Chrome DevTools), from
// cycle BENCH_PROFILE_FROM on (default 1; a later start shows the cycles once thresholds have settled).
const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
const PROFILE_FROM = Number(process.env.BENCH_PROFILE_FROM ?? 1);
if (profiler) profiler.connect();
for (let r = 1; r <= REPEATS; r++) {
  if (profiler && r === PROFILE_FROM) {
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const t = NOW + r * MIN;
  for (let m = 0; m < MODELS; m++) store.ingestMetrics(exportOf(m, profiles[m] as Profile, t, 1, random), t);
  steady.push(timed(t));
}
if (profiler) {
  if (PROFILE_FROM <= REPEATS) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE as string, JSON.stringify(profile));
  }
  profiler.disconnect();
}
store.close();
rmSync(dir, { recursive: true, force: true });
if (thresholds && thresholdsLoaded === 0) thresholds.save();
const pageMicros = freshPageMicros();
/** Cycles that wrote fewer than this many fresh pages count as without faults (0–10 in practice). */
const FEW_FAULTS = 100;
const withoutFaults = steady.filter((s) => s.pageFaults < FEW_FAULTS);
const withFaults = steady.filter((s) => s.pageFaults >= FEW_FAULTS);
const medianOf = (v: Timed[], f: (s: Timed) => number) => (v.length > 0 ? median(v.map(f)) : null);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  models: MODELS,
  modelsWithoutProfile: WITHOUT_PROFILE,
  features: FEATURES,
  windows: ['1h', '24h', '7d'],
  exportEveryMinutes: EXPORT_MINUTES,
  everyMinuteForTheLastMinutes: RECENT_MINUTES,
  storedPoints: points,
  bucketEntries,
  packRows,
  fillSeconds: fillMs / 1000,
  thresholdsLoaded,
  reports: cold.reports,
  coldCycleMs: cold.ms,
  coldReadMs: cold.readMs,
  steadyCycleMs: median(steady.map((s) => s.ms)),
  steadyFirstHourMs: median(steady.slice(0, 60).map((s) => s.ms)),
  steadySecondHourMs: steady.length > 60 ? median(steady.slice(60).map((s) => s.ms)) : null,
  steadyCyclesMs: steady.map((s) => Math.round(s.ms)),
  steadyReadMs: median(steady.map((s) => s.readMs)),
  steadyUserMs: median(steady.map((s) => s.userMs)),
  steadySystemMs: median(steady.map((s) => s.systemMs)),
  steadyPageFaults: median(steady.map((s) => s.pageFaults)),
  steadyWithoutPageFaults: { cycles: withoutFaults.length, medianMs: medianOf(withoutFaults, (s) => s.ms) },
  steadyWithPageFaults: {
    cycles: withFaults.length,
    medianMs: medianOf(withFaults, (s) => s.ms),
    medianPageFaults: medianOf(withFaults, (s) => s.pageFaults),
    medianSystemMs: medianOf(withFaults, (s) => s.systemMs),
  },
  steadyPageFaultsPerCycle: steady.map((s) => s.pageFaults),
  freshPageMicros: pageMicros,
};
// A run that started with saved thresholds is the restarted service's figure, kept apart from a new one's.
const resultFile = thresholdsLoaded > 0 ? 'cycle-restarted.json' : 'cycle.json';
writeFileSync(join(import.meta.dirname, 'results', resultFile), `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
