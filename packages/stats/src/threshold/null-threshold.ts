import { type DistanceMethod, distanceByName } from '../distances/by-name.js';
import { TrustedShares } from '../distances/shares.js';
import { assertCounts, assertInteger, assertNumber, describe } from '../internal/assert.js';
import { sortFloat64 } from '../internal/sort-float64.js';
import { chiSquaredInverseSurvival } from '../special/chi-squared-inverse-survival.js';
import { chiSquaredSurvival } from '../special/chi-squared-survival.js';
import { MultinomialSampler } from './binomial.js';
import { ByteBoundedCache } from './byte-cache.js';
import { isLinear, type LinearMethod, linearLimitSample, QUADRATIC, selectRank } from './limit-law.js';
import { createRandom } from './random.js';

export interface NullThresholdOptions {
  /**
   * Size of the reference sample when the reference is itself a sample (a pinned period, the previous
   * window): its noise counts too (simulated, or through the effective size n·m / (n + m) of the
   * large-sample law). Default `Infinity`: the reference shares are exact (a training profile built
   * from many rows).
   */
  referenceN?: number;
  /** Bin edges, needed by `wassersteinBinned` only. */
  edges?: ArrayLike<number>;
  /**
   * Number of simulated windows (default: 100 / alpha, at least 10 000 and at most 100 000), or of
   * draws from the large-sample law of the linear distances (default 100 000: they are cheap, and one
   * seeded set of draws serves every reference, so its Monte Carlo error is shared, not averaged out).
   */
  simulations?: number;
  /** Generator seed; the same inputs and seed always give the same threshold. Default 1. */
  seed?: number;
  /**
   * `'auto'` (default): use the large-sample law where it holds (see {@link nullIsAsymptotic}), else
   * simulate windows exactly. `'never'`: always simulate. `'always'`: always use the large-sample law
   * (for checks; it is wrong for small windows).
   */
  approximation?: 'auto' | 'never' | 'always';
  /** Smallest expected count n_eff·pᵢ in every bin with reference mass for `'auto'`. Default 20. */
  minExpectedCount?: number;
}

/**
 * Default smallest expected count n_eff·pᵢ, in every bin with reference mass, for the large-sample law.
 * Checked against exact simulation (100 000 windows) on ten equal, ten skewed, twenty equal, five
 * categorical and two-bin references: at 20 the linear distances' false-alarm rate is 0.64–1.31 × α at
 * α = 0.01 and 0.05, the spread of the lattice of counts (the exact law is discrete, the limit is not),
 * which does not shrink at 50 or 100. At 10 the quadratic distances reach 2 × α (PSI), hence their
 * second condition, {@link QUADRATIC_MIN_HARMONIC_COUNT}.
 */
export const MIN_EXPECTED_COUNT = 20;

/**
 * PSI, KL, Jensen–Shannon and Hellinger converge more slowly than Pearson's χ²: their tails carry third
 * order terms of relative size Σᵢ 1/(n·pᵢ) / (k' − 1). At (k' − 1) / Σᵢ 1/(n_eff·pᵢ) ≥ 100 (on equal bins:
 * about 100 expected per bin) their false-alarm rate under exact simulation is 0.92–1.03 × α on the same
 * references; at 20 per bin PSI's is 1.4–1.5 × α, at 40 per bin 1.2 × α.
 */
export const QUADRATIC_MIN_HARMONIC_COUNT = 100;

/**
 * Caches. Keys hold the normalised reference shares and edges as a 64-bit hash (two independent 32-bit
 * hashes of the doubles' bits); with 100 000 entries the chance of any collision is below 1e-9.
 *
 * - thresholds and limit quantiles: one double per entry (plus a ~60-character key, ~200 bytes in all),
 *   100 000 entries ≈ 20 MB: enough for 5 000 features × 3 methods × a few window sizes of simulated
 *   thresholds; limit quantiles do not depend on n, so large windows need one entry per reference.
 * - simulated (and limit-law) distributions: one double per draw (80 kB at 10 000), kept within 128 MiB
 *   (1 600 entries at 10 000 draws). Only p-values of small windows need them.
 */
const THRESHOLD_CACHE_LIMIT = 100_000;
/** Default number of draws from the large-sample law of a linear distance. */
const LIMIT_DRAWS = 100_000;
const thresholdCache = new Map<string, number>();
const DISTRIBUTION_BYTES = 128 * 1024 * 1024;
const distributionCache = new ByteBoundedCache<Float64Array>(DISTRIBUTION_BYTES);
/** χ² critical values by α, then degrees of freedom (number keys: asked for every large window) */
const chiCache = new Map<number, Map<number, number>>();

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

let h1 = 0;
let h2 = 0;

function mix(v: number): void {
  bits[0] = v;
  const lo = words[0] as number;
  const hi = words[1] as number;
  h1 = Math.imul(h1 ^ lo, 0x01000193);
  h1 = Math.imul(h1 ^ (h1 >>> 13) ^ hi, 0x01000193);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 + lo, 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 = Math.imul(h2 + hi, 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
}

/** 64-bit hash of the normalised shares and the edges, as a short string. @internal */
export function sharesKey(
  values: ArrayLike<number>,
  total: number,
  edges: ArrayLike<number> | undefined,
): string {
  h1 = 0x811c9dc5 ^ values.length;
  h2 = 0x27d4eb2f;
  for (let i = 0; i < values.length; i++) mix((values[i] as number) / total);
  if (edges) {
    mix(Number.NaN);
    for (let i = 0; i < edges.length; i++) mix(edges[i] as number);
  }
  return `${values.length}:${(h1 >>> 0).toString(36)}:${(h2 >>> 0).toString(36)}`;
}

function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): V {
  if (map.size >= limit) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

function recall<V>(map: Map<string, V>, key: string): V | undefined {
  const hit = map.get(key);
  if (hit !== undefined) {
    map.delete(key);
    map.set(key, hit); // keep recently used entries at the end
  }
  return hit;
}

function rememberDistribution(key: string, value: Float64Array): Float64Array {
  return distributionCache.set(key, value);
}

/** Validated inputs, and whether the large-sample law applies. @internal */
export interface Setup {
  total: number;
  /** effective window size n·m / (n + m) (n for an exact reference) */
  nEff: number;
  /** bins with reference mass */
  positive: number;
  asymptotic: boolean;
  simulations: number;
  seed: number;
  referenceN: number;
  /** the reference's cache key (`sharesKey` with the edges), once computed */
  id?: string;
}

/** What the large-sample rule needs to know of a reference (validated shares). @internal */
export interface ReferenceFacts {
  total: number;
  positive: number;
  smallest: number;
  inverses: number;
}

export function referenceFacts(fn: string, referenceShares: ArrayLike<number>): ReferenceFacts {
  const total = assertCounts(fn, 'referenceShares', referenceShares);
  let positive = 0;
  let smallest = Number.POSITIVE_INFINITY;
  let inverses = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const share = (referenceShares[i] as number) / total;
    if (share > 0) {
      positive++;
      inverses += 1 / share;
      if (share < smallest) smallest = share;
    }
  }
  return { total, positive, smallest, inverses };
}

/** The options with their defaults, validated. @internal */
export interface ResolvedOptions {
  referenceN: number;
  /** NaN: the default, which depends on the path */
  simulations: number;
  seed: number;
  approximation: 'auto' | 'never' | 'always';
  minExpectedCount: number;
}

export function resolveOptions(fn: string, options: NullThresholdOptions): ResolvedOptions {
  const {
    referenceN = Number.POSITIVE_INFINITY,
    simulations = Number.NaN,
    seed = 1,
    approximation = 'auto',
    minExpectedCount = MIN_EXPECTED_COUNT,
  } = options;
  if (referenceN !== Number.POSITIVE_INFINITY) assertInteger(fn, 'options.referenceN', referenceN, 1);
  if (!Number.isNaN(simulations)) assertInteger(fn, 'options.simulations', simulations, 100);
  assertInteger(fn, 'options.seed', seed, 0);
  if (approximation !== 'auto' && approximation !== 'never' && approximation !== 'always') {
    throw new RangeError(
      `${fn}: options.approximation must be 'auto', 'never' or 'always', got ${describe(approximation)}.`,
    );
  }
  assertNumber(fn, 'options.minExpectedCount', minExpectedCount, { min: 0 });
  return { referenceN, simulations, seed, approximation, minExpectedCount };
}

/** Whether the large-sample law applies at n, and how many draws either path takes. @internal */
export function decide(
  method: DistanceMethod,
  n: number,
  alpha: number,
  facts: ReferenceFacts,
  o: ResolvedOptions,
): Setup {
  const { referenceN, simulations } = o;
  const nEff = effectiveSize(n, referenceN);
  const asymptotic = holdsAt(method, nEff, facts, o);
  const draws = Number.isNaN(simulations)
    ? asymptotic
      ? LIMIT_DRAWS
      : defaultSimulations(alpha)
    : simulations;
  return {
    total: facts.total,
    nEff,
    positive: facts.positive,
    asymptotic,
    simulations: draws,
    seed: o.seed,
    referenceN,
  };
}

/** n·m / (n + m) for a reference sample of m, n for an exact reference. @internal */
export function effectiveSize(n: number, referenceN: number): number {
  return referenceN === Number.POSITIVE_INFINITY ? n : (n * referenceN) / (n + referenceN);
}

/** Whether the large-sample law applies at effective size `nEff` (no allocation: asked per window). @internal */
export function holdsAt(
  method: DistanceMethod,
  nEff: number,
  facts: ReferenceFacts,
  o: ResolvedOptions,
): boolean {
  const { positive, smallest, inverses } = facts;
  const holds =
    nEff * smallest >= o.minExpectedCount &&
    (QUADRATIC[method] === undefined || (positive - 1) * nEff >= QUADRATIC_MIN_HARMONIC_COUNT * inverses);
  // One bin with mass: every window is at distance 0, which the (cheap) simulation gets exactly.
  return positive >= 2 && o.approximation !== 'never' && (o.approximation === 'always' || holds);
}

function setup(
  fn: string,
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  alpha: number,
  options: NullThresholdOptions,
  needsEdges = true,
): Setup {
  // Unknown methods, and missing edges where the distance itself is computed.
  distanceByName(method, needsEdges ? options.edges : (options.edges ?? [0, 1]));
  const facts = referenceFacts(fn, referenceShares);
  assertInteger(fn, 'n', n, 1);
  return decide(method, n, alpha, facts, resolveOptions(fn, options));
}

/** The reference's cache key, computed once per Setup. */
function idOf(s: Setup, referenceShares: ArrayLike<number>, edges: ArrayLike<number> | undefined): string {
  s.id ??= sharesKey(referenceShares, s.total, edges);
  return s.id;
}

function defaultSimulations(alpha: number): number {
  return Math.min(100_000, Math.max(10_000, Math.ceil(100 / alpha)));
}

/** χ²(dof) upper α point, cached (few distinct pairs). */
function chiSquaredCritical(alpha: number, dof: number): number {
  let byDof = chiCache.get(alpha);
  if (byDof === undefined) {
    if (chiCache.size >= 100) chiCache.clear();
    byDof = new Map();
    chiCache.set(alpha, byDof);
  }
  let critical = byDof.get(dof);
  if (critical === undefined) {
    critical = chiSquaredInverseSurvival(alpha, dof);
    if (byDof.size >= 10_000) byDof.clear();
    byDof.set(dof, critical);
  }
  return critical;
}

/** Validates the edges for `wassersteinBinned` (length and order) by computing one distance. */
function checkEdges(method: DistanceMethod, referenceShares: ArrayLike<number>, edges?: ArrayLike<number>) {
  if (method === 'wassersteinBinned') distanceByName(method, edges)(referenceShares, referenceShares);
}

/** The limit law of √n_eff·D for a linear distance, sorted; cached with the simulated distributions. */
function linearLaw(
  method: LinearMethod,
  referenceShares: ArrayLike<number>,
  s: Setup,
  edges: ArrayLike<number> | undefined,
): Float64Array {
  const key = `limit|${method}|${s.simulations}|${s.seed}|${idOf(s, referenceShares, edges)}`;
  const hit = distributionCache.get(key);
  if (hit) return hit;
  checkEdges(method, referenceShares, edges);
  const shares = Float64Array.from(referenceShares, (v) => v / s.total);
  return rememberDistribution(key, linearLimitSample(method, shares, s.simulations, s.seed, edges).sort());
}

/** Rank of the (1 − α) quantile among `length` sorted draws (0-based). */
function upperRank(length: number, alpha: number): number {
  return Math.max(0, Math.min(length - 1, Math.ceil((1 - alpha) * length) - 1));
}

/**
 * Sample-size-aware alert threshold: the (1 − α) quantile of `method`'s distance between the reference
 * and a current window of `n` observations drawn from the reference distribution itself (no drift).
 * A window whose distance exceeds it is a false alarm with probability ≤ α, whatever n is — unlike a
 * fixed cut-off such as 0.1, which for D1 on 10 equal bins fires on almost every healthy window of
 * n = 200 (where D1 is about 0.17 on average) and on almost no drifted one at n = 200 000.
 *
 * Small windows (the rule of {@link nullIsAsymptotic}: roughly, fewer than 20 expected observations in
 * some bin, or for the quadratic distances fewer than about 100 per bin): exact multinomial simulation with a seeded generator (exact binomial draws), cached.
 * Large windows: the large-sample law, whose cost does not grow with n. PSI, KL, Jensen–Shannon and
 * Hellinger are then closed forms in the χ²(k' − 1) quantile (k' bins with reference mass), e.g.
 * PSI = χ²/n and Hellinger = √(χ²/(8n)); D1, total variation, L∞, binned KS and Wasserstein shrink
 * exactly as 1/√n, so their limit quantile is sampled once per reference (seeded Gaussian draws) and
 * cached, whatever n is. With `referenceN = m`, n is replaced by n·m / (n + m).
 *
 * Simulated thresholds (small windows, and the linear distances' sampled limit law) cannot resolve α
 * below one over the number of draws: there the threshold is the largest draw, and the false-alarm
 * rate stays near 1/draws whatever smaller α is asked (`options.simulations` for small windows, by
 * default 100/α within 10 000–100 000, so α below 1e-5 is affected; the
 * limit law takes 100 000 draws). The χ² closed forms have no such floor.
 *
 * @param referenceShares reference bucket counts or shares (normalised inside).
 * @example
 * // Two bins with shares 0.3 / 0.7: D1 = 2·|X/n − 0.3| for X ~ Binomial(n, 0.3), whose exact 95 %
 * // quantile (scipy.stats.binom) is 0.13 at n = 200 and 0.062 at n = 1 000 for shares 0.5 / 0.5.
 * nullThreshold('d1', [0.3, 0.7], 200, 0.05, { simulations: 200_000, approximation: 'never' });  // 0.13
 * nullThreshold('d1', [0.5, 0.5], 1000, 0.05, { simulations: 200_000, approximation: 'never' }); // 0.062
 * // Large windows: PSI on ten equal bins at n = 100 000 is scipy's chi2.isf(0.01, 9) / n.
 * nullThreshold('psi', new Array(10).fill(1), 100_000, 0.01); // ≈ 0.000216659943
 */
export function nullThreshold(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  alpha = 0.01,
  options: NullThresholdOptions = {},
): number {
  const fn = 'nullThreshold(method, referenceShares, n, alpha)';
  assertNumber(fn, 'alpha', alpha, { min: 0, max: 1, open: true });
  return thresholdWith(
    method,
    referenceShares,
    n,
    alpha,
    options,
    setup(fn, method, referenceShares, n, alpha, options),
  );
}

/**
 * The large-sample threshold of a quadratic distance (χ² law with one degree of freedom fewer than the
 * reference's bins with mass), at effective size `nEff`. @internal
 */
export function quadraticThreshold(
  quadratic: { scale: number; power: 1 | 2 },
  alpha: number,
  positive: number,
  nEff: number,
): number {
  const x = chiSquaredCritical(alpha, positive - 1) / (quadratic.scale * nEff);
  return quadratic.power === 2 ? Math.sqrt(x) : x;
}

/** The large-sample p-value of an observed quadratic distance (see {@link quadraticThreshold}). @internal */
export function quadraticPValue(
  quadratic: { scale: number; power: 1 | 2 },
  observed: number,
  positive: number,
  nEff: number,
): number {
  if (observed === Number.POSITIVE_INFINITY) return 0;
  const statistic = quadratic.scale * nEff * (quadratic.power === 2 ? observed * observed : observed);
  return chiSquaredSurvival(statistic, positive - 1);
}

/** {@link nullThreshold} once its inputs are validated and decided. @internal */
export function thresholdWith(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  alpha: number,
  options: NullThresholdOptions,
  s: Setup,
): number {
  if (s.asymptotic) {
    const quadratic = QUADRATIC[method];
    if (quadratic) return quadraticThreshold(quadratic, alpha, s.positive, s.nEff);
    return linearQuantile(method as LinearMethod, referenceShares, alpha, options, s) / Math.sqrt(s.nEff);
  }
  const key = `s|${method}|${alpha}|${s.simulations}|${s.seed}|${s.referenceN}|${n}|${idOf(s, referenceShares, options.edges)}`;
  const known = recall(thresholdCache, key);
  if (known !== undefined) return known;
  const sorted = nullDistribution(method, referenceShares, n, { ...options, simulations: s.simulations });
  const value = sorted[upperRank(sorted.length, alpha)] as number;
  return remember(thresholdCache, key, value, THRESHOLD_CACHE_LIMIT);
}

/**
 * The (1 − α) quantile of √n_eff·D for a linear distance in the large-sample law, which does not depend
 * on n (the threshold is it over √n_eff), cached. @internal
 */
export function linearQuantile(
  method: LinearMethod,
  referenceShares: ArrayLike<number>,
  alpha: number,
  options: NullThresholdOptions,
  s: Setup,
): number {
  const key = `q|${method}|${alpha}|${s.simulations}|${s.seed}|${idOf(s, referenceShares, options.edges)}`;
  let quantile = recall(thresholdCache, key);
  if (quantile === undefined) {
    checkEdges(method, referenceShares, options.edges);
    const shares = Float64Array.from(referenceShares, (v) => v / s.total);
    const law = linearLimitSample(method, shares, s.simulations, s.seed, options.edges);
    const value = selectRank(law, upperRank(law.length, alpha));
    quantile = remember(thresholdCache, key, value, THRESHOLD_CACHE_LIMIT);
  }
  return quantile;
}

/**
 * The simulated distances behind {@link nullThreshold}'s small-window path, sorted ascending: the
 * distribution of the distance when nothing has drifted, always by exact multinomial simulation (its
 * cost grows with n; for p-values of large windows use {@link nullPValueFor}). `nullPValue` compares
 * an observed distance against it.
 *
 * @example
 * nullDistribution('lInfinity', [1, 1], 100, { simulations: 1000 }).length; // 1000
 */
export function nullDistribution(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  options: NullThresholdOptions = {},
): Float64Array {
  const fn = 'nullDistribution(method, referenceShares, n)';
  const distance = distanceByName(method, options.edges);
  const total = assertCounts(fn, 'referenceShares', referenceShares);
  assertInteger(fn, 'n', n, 1);
  const { referenceN = Number.POSITIVE_INFINITY, simulations = 10_000, seed = 1 } = options;
  if (referenceN !== Number.POSITIVE_INFINITY) assertInteger(fn, 'options.referenceN', referenceN, 1);
  assertInteger(fn, 'options.simulations', simulations, 100);
  assertInteger(fn, 'options.seed', seed, 0);

  const key = `sim|${method}|${n}|${referenceN}|${simulations}|${seed}|${sharesKey(referenceShares, total, options.edges)}`;
  const hit = distributionCache.get(key);
  if (hit) return hit;
  if (method === 'jensenShannon') {
    // The distance is the square root of the divergence (so in the same order): one pass over the
    // simulated windows serves both, with the same values.
    const divergences = nullDistribution('jensenShannonDivergence', referenceShares, n, options);
    return rememberDistribution(key, divergences.map(Math.sqrt));
  }
  return rememberDistribution(
    key,
    simulate(distance, referenceShares, total, n, referenceN, simulations, seed),
  );
}

/**
 * The simulated windows themselves (shares, one window after another; the reference draws after them when
 * the reference is a sample), by everything that decides them. Every method of one reference and size
 * draws the same windows (same seed), so the second and later methods reuse the draws, which cost several
 * times more than any distance.
 */
const WINDOW_BYTES = 64 * 1024 * 1024;
const windowCache = new ByteBoundedCache<Float64Array>(WINDOW_BYTES);

function simulatedWindows(
  shares: Float64Array,
  sharesId: string,
  n: number,
  referenceN: number,
  simulations: number,
  seed: number,
): Float64Array {
  const key = `${n}|${referenceN}|${simulations}|${seed}|${sharesId}`;
  const hit = windowCache.get(key);
  if (hit) return hit;
  const random = createRandom(seed);
  const k = shares.length;
  const finiteReference = referenceN !== Number.POSITIVE_INFINITY;
  const windows = new Float64Array((finiteReference ? 2 : 1) * simulations * k);
  const counts = new Float64Array(k);
  const draw = (sampler: MultinomialSampler, size: number, at: number) => {
    sampler.sample(random, counts);
    for (let i = 0; i < k; i++) windows[at + i] = (counts[i] as number) / size;
  };
  const current = new MultinomialSampler(n, shares);
  const reference = finiteReference ? new MultinomialSampler(referenceN, shares) : current;
  // Draw order as one window after the other (reference first), so results do not depend on caching.
  const referenceAt = simulations * k;
  for (let s = 0; s < simulations; s++) {
    if (finiteReference) draw(reference, referenceN, referenceAt + s * k);
    draw(current, n, s * k);
  }
  return windowCache.set(key, windows);
}

/** Sorted distances of `simulations` windows of n drawn from the reference (and a reference of referenceN). */
function simulate(
  distance: (reference: ArrayLike<number>, current: ArrayLike<number>) => number,
  referenceShares: ArrayLike<number>,
  total: number,
  n: number,
  referenceN: number,
  simulations: number,
  seed: number,
): Float64Array {
  const shares = TrustedShares.from(referenceShares, (v) => v / total);
  const k = shares.length;
  const windows = simulatedWindows(
    shares,
    sharesKey(referenceShares, total, undefined),
    n,
    referenceN,
    simulations,
    seed,
  );
  const finiteReference = referenceN !== Number.POSITIVE_INFINITY;
  // Windows as shares the distances trust: no checks per simulated window.
  const current = new TrustedShares(k);
  const reference = finiteReference ? new TrustedShares(k) : shares;
  const referenceAt = simulations * k;
  const out = new Float64Array(simulations);
  // Copied element by element: a subarray per window costs more than the copy.
  for (let s = 0, at = 0; s < simulations; s++, at += k) {
    for (let i = 0; i < k; i++) current[i] = windows[at + i] as number;
    if (finiteReference) {
      for (let i = 0; i < k; i++) reference[i] = windows[referenceAt + at + i] as number;
    }
    out[s] = distance(reference, current);
  }
  return sortFloat64(out);
}

/**
 * What a p-value of a small window needs of its simulated distribution, in about 6 % of its memory:
 * every simulated distance from the 95 % quantile up (p-values up to 0.05 exact, as with the whole
 * distribution) and the quantiles at 0 %, 5 %, …, 95 % (larger p-values interpolated between them),
 * so that thousands of features' windows stay cached between cycles. @internal
 */
export interface PValueTable {
  simulations: number;
  /** every distance ≥ tail[0], sorted */
  tail: Float64Array;
  /** quantiles at 0, 5, …, 95 % */
  grid: Float64Array;
}

const TAIL_SHARE = 0.05;
const GRID_STEPS = Math.round(1 / TAIL_SHARE);
const P_VALUE_TABLES = 16_000;
const pValueTables = new Map<string, PValueTable>();

function pValueTable(sorted: Float64Array): PValueTable {
  const cut = sorted[Math.floor((1 - TAIL_SHARE) * sorted.length)] as number;
  const grid = Float64Array.from(
    { length: GRID_STEPS },
    (_, j) => sorted[Math.floor((j * sorted.length) / GRID_STEPS)] as number,
  );
  return { simulations: sorted.length, tail: sorted.slice(lowerBound(sorted, cut)), grid };
}

/** @internal */
export function tablePValue(observed: number, t: PValueTable): number {
  const n = t.simulations;
  if (observed >= (t.tail[0] as number)) {
    return (t.tail.length - lowerBound(t.tail, observed) + 1) / (n + 1);
  }
  // Below the tail: the share of distances under `observed`, interpolated on the quantile grid.
  const j = lowerBound(t.grid, observed); // grid[j - 1] < observed ≤ grid[j] (j ≥ 1 unless below them all)
  if (j === 0) return 1;
  const lo = t.grid[j - 1] as number;
  const hi = j < GRID_STEPS ? (t.grid[j] as number) : (t.tail[0] as number);
  const below = (j - 1 + (hi > lo ? (observed - lo) / (hi - lo) : 0)) / GRID_STEPS;
  return Math.min(1, (n * (1 - below) + 1) / (n + 1));
}

/** First index whose value is ≥ `value` in ascending `sorted`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Share of no-drift windows at least as far from the reference as `observed` (a Monte Carlo p-value,
 * with the +1 correction so it is never 0).
 *
 * @example
 * nullPValue(0.5, Float64Array.of(0.1, 0.2, 0.6)); // 0.5 — (1 + 1) / (3 + 1)
 */
export function nullPValue(observed: number, nullSorted: Float64Array): number {
  const fn = 'nullPValue(observed, nullSorted)';
  if (typeof observed !== 'number' || Number.isNaN(observed))
    throw new TypeError(`${fn}: observed must be a number, got ${describe(observed)}.`);
  if (!(nullSorted instanceof Float64Array) || nullSorted.length === 0)
    throw new TypeError(
      `${fn}: nullSorted must be a non-empty Float64Array (nullDistribution's), got ${describe(nullSorted)}.`,
    );
  for (let i = 1; i < nullSorted.length; i++) {
    if (!((nullSorted[i] as number) >= (nullSorted[i - 1] as number)))
      throw new RangeError(
        `${fn}: nullSorted must be sorted ascending; entry ${i} (${nullSorted[i]}) is below entry ${i - 1}.`,
      );
  }
  return sortedPValue(observed, nullSorted);
}

/** {@link nullPValue} without the checks, for laws this module sorted itself. */
function sortedPValue(observed: number, nullSorted: Float64Array): number {
  return (nullSorted.length - lowerBound(nullSorted, observed) + 1) / (nullSorted.length + 1);
}

/**
 * P-value of an observed distance under no drift, for a window of `n` observations: the chance that a
 * window drawn from the reference is at least as far from it. Large windows (the rule of
 * {@link nullThreshold}) use the large-sample law and store nothing per n: the χ²(k' − 1) survival of
 * the scaled statistic (PSI, KL, Jensen–Shannon, Hellinger; e.g. P(χ² ≥ n·PSI)), or the share of the
 * cached limit-law draws at or above √n·D (linear distances, with the +1 of `nullPValue`). Small
 * windows compare against the simulated distribution, of which only the top 5 % and a 5 % quantile grid
 * are kept so that thousands of windows stay cached: p-values up to 0.05 equal
 * `nullPValue(observed, nullDistribution(…))`, larger ones are interpolated on the grid (within 0.05).
 *
 * @example
 * // Ten equal bins, n = 100 000: P(χ²₉ ≥ n·PSI) with n·PSI = 21.666 is 0.01 (scipy.stats.chi2.sf).
 * nullPValueFor('psi', new Array(10).fill(1), 100_000, 0.00021665994333461928); // ≈ 0.01
 * nullPValueFor('d1', [1, 1], 10_000, 0); // 1
 */
export function nullPValueFor(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  observed: number,
  options: NullThresholdOptions = {},
): number {
  const fn = 'nullPValueFor(method, referenceShares, n, observed)';
  checkObserved(fn, observed);
  const s = setup(fn, method, referenceShares, n, 0.01, options);
  return pValueWith(fn, method, referenceShares, n, observed, options, s);
}

/** @internal */
export function checkObserved(fn: string, observed: number): void {
  if (typeof observed !== 'number' || Number.isNaN(observed) || observed < 0) {
    throw new RangeError(`${fn}: observed must be a distance ≥ 0, got ${describe(observed)}.`);
  }
}

/**
 * The p-value table of a small window (not `s.asymptotic`), simulated or from the cache; read it with
 * {@link tablePValue}. @internal
 */
export function simulatedPValues(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  options: NullThresholdOptions,
  s: Setup,
): PValueTable {
  const { total, referenceN, seed } = s;
  const key = `p|${method}|${n}|${referenceN}|${s.simulations}|${seed}|${idOf(s, referenceShares, options.edges)}`;
  let table = recall(pValueTables, key);
  if (table === undefined) {
    const full = distributionCache.get(key.replace(/^p\|/, 'sim|'));
    const sorted =
      full ??
      simulate(
        distanceByName(method, options.edges),
        referenceShares,
        total,
        n,
        referenceN,
        s.simulations,
        seed,
      );
    table = remember(pValueTables, key, pValueTable(sorted), P_VALUE_TABLES);
  }
  return table;
}

/**
 * {@link nullPValueFor} once `observed` is checked (≥ 0), with the inputs validated and decided in `s`.
 * @internal
 */
export function pValueWith(
  fn: string,
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  observed: number,
  options: NullThresholdOptions,
  s: Setup,
): number {
  if (!s.asymptotic) return tablePValue(observed, simulatedPValues(method, referenceShares, n, options, s));
  const quadratic = QUADRATIC[method];
  if (quadratic) return quadraticPValue(quadratic, observed, s.positive, s.nEff);
  if (!isLinear(method)) throw new RangeError(`${fn}: no large-sample law for ${method}.`);
  return sortedPValue(observed * Math.sqrt(s.nEff), linearLaw(method, referenceShares, s, options.edges));
}

/**
 * Whether {@link nullThreshold} and {@link nullPValueFor} use the large-sample law for this method,
 * reference and window size (then their cost and cache entries do not depend on n). With n_eff = n, or
 * n·m / (n + m) for `referenceN = m`, and k' bins with reference mass pᵢ > 0 (at least two):
 * every n_eff·pᵢ ≥ `minExpectedCount` (default {@link MIN_EXPECTED_COUNT} = 20), and for PSI, KL,
 * Jensen–Shannon and Hellinger also (k' − 1) / Σᵢ 1/(n_eff·pᵢ) ≥ 100
 * ({@link QUADRATIC_MIN_HARMONIC_COUNT}; about 100 expected per bin on equal bins).
 *
 * @example
 * nullIsAsymptotic('d1', [0.5, 0.3, 0.2], 100); // true — 20 expected in the smallest bin
 * nullIsAsymptotic('d1', [0.5, 0.3, 0.2], 99); // false
 * nullIsAsymptotic('d1', [0.5, 0.3, 0.2], 1000, { referenceN: 100 }); // false — effective size 90.9
 * // PSI also needs 2 / (1/(0.5n) + 1/(0.3n) + 1/(0.2n)) ≥ 100, i.e. n ≥ 516.7:
 * nullIsAsymptotic('psi', [0.5, 0.3, 0.2], 516); // false
 * nullIsAsymptotic('psi', [0.5, 0.3, 0.2], 517); // true
 */
export function nullIsAsymptotic(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  options: NullThresholdOptions = {},
): boolean {
  const fn = 'nullIsAsymptotic(method, referenceShares, n)';
  return setup(fn, method, referenceShares, n, 0.01, options, false).asymptotic;
}

/** Changes whenever a cached value would come out differently: snapshots of another format are ignored. */
const CACHE_FORMAT = 'modelpulse.null-cache/2';

/** The cached thresholds and small-window p-value tables, as plain JSON-able data. */
export interface NullCacheSnapshot {
  format: string;
  thresholds: [string, number][];
  pValueTables: [string, { simulations: number; tail: number[]; grid: number[] }][];
}

/**
 * The thresholds and p-value tables computed so far, to be saved and handed to {@link restoreNullCache}
 * after a restart: each is a pure function of its key (method, reference, size, level, draws, seed), so
 * a restored entry is exactly what would be computed again — minutes of simulation for many features.
 *
 * @example
 * nullThreshold('d1', [1, 1], 50, 0.05, { simulations: 1000 });
 * snapshotNullCache().thresholds.length > 0; // true
 */
export function snapshotNullCache(): NullCacheSnapshot {
  return {
    format: CACHE_FORMAT,
    thresholds: [...thresholdCache],
    pValueTables: [...pValueTables].map(([key, t]) => [
      key,
      { simulations: t.simulations, tail: Array.from(t.tail), grid: Array.from(t.grid) },
    ]),
  };
}

/**
 * Puts the entries of a {@link snapshotNullCache} back and returns how many it took. A snapshot of
 * another format (an older modelpulse), or anything that is not one, is ignored (0), as are malformed
 * entries: a bad file costs a recomputation, never a wrong threshold.
 *
 * @example
 * restoreNullCache({ format: 'something else', thresholds: [['k', 1]], pValueTables: [] }); // 0
 * restoreNullCache(snapshotNullCache()) >= 0; // true
 */
export function restoreNullCache(snapshot: unknown): number {
  const s = snapshot as Partial<NullCacheSnapshot> | null;
  if (typeof s !== 'object' || s === null || s.format !== CACHE_FORMAT) return 0;
  let restored = 0;
  for (const entry of Array.isArray(s.thresholds) ? s.thresholds : []) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') continue;
    if (!Number.isFinite(entry[1])) continue;
    remember(thresholdCache, entry[0], entry[1], THRESHOLD_CACHE_LIMIT);
    restored++;
  }
  for (const entry of Array.isArray(s.pValueTables) ? s.pValueTables : []) {
    const t = Array.isArray(entry) ? entry[1] : undefined;
    if (typeof entry?.[0] !== 'string' || !isTable(t)) continue;
    remember(
      pValueTables,
      entry[0],
      { simulations: t.simulations, tail: Float64Array.from(t.tail), grid: Float64Array.from(t.grid) },
      P_VALUE_TABLES,
    );
    restored++;
  }
  return restored;
}

function isTable(t: unknown): t is { simulations: number; tail: number[]; grid: number[] } {
  const v = t as { simulations?: unknown; tail?: unknown; grid?: unknown } | undefined;
  const sorted = (a: unknown): a is number[] =>
    Array.isArray(a) &&
    a.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x >= a[i - 1]));
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.simulations) &&
    (v.simulations as number) > 0 &&
    sorted(v.tail) &&
    (v.tail as number[]).length > 0 &&
    sorted(v.grid) &&
    (v.grid as number[]).length === GRID_STEPS
  );
}
