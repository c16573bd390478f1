/**
 * Benchmarks @modelpulse/stats against scipy / numpy on the same data in the same run and reports the
 * ratio of medians (< 1 means faster than scipy). Not a test: nothing here can fail on timing.
 *
 *   pnpm bench                      # from the repository root
 *   PYTHON=/usr/bin/python3 pnpm bench   # the interpreter that has scipy (Debian: python3-scipy)
 *   BENCH_REPEATS=7 pnpm bench
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile, createRandom, ksSamples, wassersteinSamples } from '../src/index.js';

const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const python = process.env.PYTHON ?? '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'modelpulse-bench-'));
const random = createRandom(20261126);

interface Row {
  name: string;
  oursMs: number;
  baselineMs: number | null;
  baseline: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function time(run: () => unknown): number {
  run(); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

function normal(n: number, mean: number, sd: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const t = 2 * Math.PI * random();
    out[i] = mean + sd * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(t);
  }
  return out;
}

function save(name: string, data: Float64Array): string {
  const file = join(dir, `${name}.f64`);
  writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return file;
}

function baseline(spec: Record<string, unknown>): number | null {
  try {
    const out = execFileSync(
      python,
      [join(import.meta.dirname, 'baseline.py'), JSON.stringify({ ...spec, repeats })],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    return median((JSON.parse(out) as { ms: number[] }).ms);
  } catch (error) {
    console.error(`baseline unavailable (${python}): ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
}

const rows: Row[] = [];
try {
  const a = normal(1_000_000, 0, 1);
  const b = normal(1_000_000, 0.01, 1.02);
  const fa = save('a', a);
  const fb = save('b', b);
  rows.push({
    name: 'ksSamples, 1 000 000 + 1 000 000 values',
    oursMs: time(() => ksSamples(a, b)),
    baselineMs: baseline({ op: 'ks', files: [fa, fb] }),
    baseline: 'scipy.stats.ks_2samp',
  });
  rows.push({
    name: 'wassersteinSamples, 1 000 000 + 1 000 000 values',
    oursMs: time(() => wassersteinSamples(a, b)),
    baselineMs: baseline({ op: 'wasserstein', files: [fa, fb] }),
    baseline: 'scipy.stats.wasserstein_distance',
  });

  const n = 1_000_000;
  const columns = 20;
  const matrix = new Float64Array(n * columns);
  for (let j = 0; j < columns; j++) {
    // A mix of shapes: continuous, skewed, and discrete with ties.
    const col =
      j % 3 === 0
        ? normal(n, j, 1 + j)
        : j % 3 === 1
          ? normal(n, 0, 1).map(Math.exp)
          : normal(n, 5, 2).map(Math.round);
    for (let i = 0; i < n; i++) matrix[i * columns + j] = col[i] as number;
  }
  const names = Array.from({ length: columns }, (_, j) => `f${j}`);
  const columnArrays = Object.fromEntries(
    names.map((name, j) => [
      name,
      Float64Array.from({ length: n }, (_, i) => matrix[i * columns + j] as number),
    ]),
  );
  const rowObjects = Array.from({ length: n }, (_, i) => {
    const row: Record<string, number> = {};
    for (let j = 0; j < columns; j++) row[names[j] as string] = matrix[i * columns + j] as number;
    return row;
  });
  const schema = {
    features: Object.fromEntries(names.map((f) => [f, 'numeric' as const])),
    createdAt: '2026-01-01',
  };
  const profileBaseline = baseline({ op: 'profile', files: [save('matrix', matrix)], rows: n, columns });
  const numpyProfile = 'numpy (quantile, searchsorted, interp, bincount per column)';
  rows.push({
    name: 'buildProfile, 1 000 000 × 20 numeric, Float64Array columns',
    oursMs: time(() => buildProfile({ columns: columnArrays }, schema)),
    baselineMs: profileBaseline,
    baseline: numpyProfile,
  });
  rows.push({
    name: 'buildProfile, 1 000 000 × 20 numeric, row objects',
    oursMs: time(() => buildProfile(rowObjects, schema)),
    baselineMs: profileBaseline,
    baseline: numpyProfile,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = {
  date: new Date().toISOString(),
  node: process.version,
  repeats,
  rows: rows.map((r) => ({ ...r, ratio: r.baselineMs === null ? null : r.oursMs / r.baselineMs })),
};
writeFileSync(join(import.meta.dirname, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| benchmark | modelpulse (median ms) | baseline | baseline (median ms) | ratio |`);
console.log(`|---|---:|---|---:|---:|`);
for (const r of result.rows) {
  const base = r.baselineMs === null ? 'n/a' : r.baselineMs.toFixed(0);
  const ratio = r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}×`;
  console.log(`| ${r.name} | ${r.oursMs.toFixed(0)} | ${r.baseline} | ${base} | ${ratio} |`);
}
