import { type DistanceMethod, distanceByName } from '../distances/by-name.js';
import { assertCounts, assertInteger, assertNumber } from '../internal/assert.js';
import { sampleMultinomial } from './binomial.js';
import { createRandom } from './random.js';

export interface NullThresholdOptions {
  /**
   * Size of the reference sample when the reference is itself a sample (a pinned period, the previous
   * window): its noise is simulated too. Default `Infinity`: the reference shares are exact (a training
   * profile built from many rows).
   */
  referenceN?: number;
  /** Bin edges, needed by `wassersteinBinned` only. */
  edges?: ArrayLike<number>;
  /** Number of simulated windows. Default: 100 / alpha, at least 10 000 and at most 100 000. */
  simulations?: number;
  /** Generator seed; the same inputs and seed always give the same threshold. Default 1. */
  seed?: number;
}

/** Simulated distributions are large (one double per simulation): keep few. */
const CACHE_LIMIT = 512;
const cache = new Map<string, Float64Array>();
/** Thresholds are single numbers: keep many, so monitoring many features and windows stays cheap. */
const THRESHOLD_CACHE_LIMIT = 100_000;
const thresholdCache = new Map<string, number>();

/**
 * Sample-size-aware alert threshold: the (1 − α) quantile of `method`'s distance between the reference
 * and a current window of `n` observations drawn from the reference distribution itself (no drift).
 * A window whose distance exceeds it is a false alarm with probability ≤ α, whatever n is — unlike a
 * fixed cut-off such as 0.1, which for D1 on 10 equal bins fires on almost every healthy window of
 * n = 200 (where D1 is about 0.17 on average) and on almost no drifted one at n = 200 000.
 *
 * Computed by multinomial simulation with a seeded generator (exact binomial draws), and cached.
 *
 * @param referenceShares reference bucket counts or shares (normalised inside).
 * @example
 * // Two bins with shares 0.3 / 0.7: D1 = 2·|X/n − 0.3| for X ~ Binomial(n, 0.3), whose exact 95 %
 * // quantile (scipy.stats.binom) is 0.13 at n = 200 and 0.062 at n = 1 000 for shares 0.5 / 0.5.
 * nullThreshold('d1', [0.3, 0.7], 200, 0.05, { simulations: 200_000 });  // 0.13
 * nullThreshold('d1', [0.5, 0.5], 1000, 0.05, { simulations: 200_000 }); // 0.062
 */
export function nullThreshold(
  method: DistanceMethod,
  referenceShares: ArrayLike<number>,
  n: number,
  alpha = 0.01,
  options: NullThresholdOptions = {},
): number {
  assertNumber('nullThreshold(method, referenceShares, n, alpha)', 'alpha', alpha, {
    min: 0,
    max: 1,
    open: true,
  });
  const simulations = options.simulations ?? defaultSimulations(alpha);
  const edges = options.edges ? Array.from(options.edges).join(',') : '';
  const key = [
    alpha,
    simulations,
    options.seed ?? 1,
    options.referenceN ?? '',
    method,
    n,
    edges,
    Array.from(referenceShares).join(','),
  ].join('|');
  const known = thresholdCache.get(key);
  if (known !== undefined) return known;
  const sorted = nullDistribution(method, referenceShares, n, { ...options, simulations });
  const index = Math.min(sorted.length - 1, Math.ceil((1 - alpha) * sorted.length) - 1);
  const threshold = sorted[Math.max(0, index)] as number;
  if (thresholdCache.size >= THRESHOLD_CACHE_LIMIT)
    thresholdCache.delete(thresholdCache.keys().next().value as string);
  thresholdCache.set(key, threshold);
  return threshold;
}

/**
 * The simulated distances behind {@link nullThreshold}, sorted ascending: the distribution of the
 * distance when nothing has drifted. `nullPValue` compares an observed distance against it.
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

  const shares = Float64Array.from(referenceShares, (v) => v / total);
  const key = [
    method,
    n,
    referenceN,
    simulations,
    seed,
    options.edges ? Array.from(options.edges).join(',') : '',
    shares.join(','),
  ].join('|');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // keep recently used entries at the end
    return hit;
  }

  const random = createRandom(seed);
  const current = new Float64Array(shares.length);
  const reference = new Float64Array(shares.length);
  const finiteReference = referenceN !== Number.POSITIVE_INFINITY;
  const out = new Float64Array(simulations);
  for (let s = 0; s < simulations; s++) {
    sampleMultinomial(n, shares, random, current);
    const ref = finiteReference ? sampleMultinomial(referenceN, shares, random, reference) : shares;
    out[s] = distance(ref, current);
  }
  out.sort();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, out);
  return out;
}

/**
 * Share of no-drift windows at least as far from the reference as `observed` (a Monte Carlo p-value,
 * with the +1 correction so it is never 0).
 */
export function nullPValue(observed: number, nullSorted: Float64Array): number {
  let lo = 0;
  let hi = nullSorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((nullSorted[mid] as number) < observed) lo = mid + 1;
    else hi = mid;
  }
  return (nullSorted.length - lo + 1) / (nullSorted.length + 1);
}

function defaultSimulations(alpha: number): number {
  return Math.min(100_000, Math.max(10_000, Math.ceil(100 / alpha)));
}
