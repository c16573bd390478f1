import type { DistanceMethod } from '../distances/by-name.js';
import { ByteBoundedCache } from './byte-cache.js';
import { createRandom } from './random.js';

/**
 * Large-sample (asymptotic) null laws of the histogram distances.
 *
 * A window of n draws from reference shares p has shares q with √n·(q − p) → Z ~ N(0, diag(p) − ppᵀ).
 * When the reference is itself a sample of m draws, q − r has covariance (diag(p) − ppᵀ)·(1/n + 1/m),
 * so everything below holds with n replaced by n_eff = n·m / (n + m).
 *
 * Quadratic family: to second order in d = q − p each of these is a multiple of Pearson's Σ d²/p, and
 * n·Σ d²/p → χ²(k' − 1) over the k' bins with p > 0:
 * PSI ≈ Σ d²/p, KL(q‖p) ≈ Σ d²/(2p) (nats), JSD ≈ Σ d²/(8p·ln 2) (base 2), H² ≈ Σ d²/(8p).
 *
 * Linear family (D1, total variation, L∞, binned KS, binned Wasserstein): each is homogeneous of degree
 * one in d, so √n·D → D(Z), a law that depends on p (and the edges) but not on n. It has no closed
 * form for general p, so it is sampled: Zᵢ = √pᵢ·Gᵢ − pᵢ·Σⱼ √pⱼ·Gⱼ with Gᵢ iid N(0, 1) has exactly that
 * covariance (and Zᵢ = 0 where pᵢ = 0).
 */

/** For the quadratic family: statistic = scale · n_eff · distance^power → χ²(k' − 1). */
export const QUADRATIC: Partial<Record<DistanceMethod, { scale: number; power: 1 | 2 }>> = {
  psi: { scale: 1, power: 1 },
  klDivergence: { scale: 2, power: 1 },
  jensenShannonDivergence: { scale: 8 * Math.LN2, power: 1 },
  jensenShannon: { scale: 8 * Math.LN2, power: 2 },
  hellinger: { scale: 8, power: 2 },
};

export type LinearMethod = 'd1' | 'totalVariation' | 'lInfinity' | 'ksBinned' | 'wassersteinBinned';

export function isLinear(method: DistanceMethod): method is LinearMethod {
  return (
    method === 'd1' ||
    method === 'totalVariation' ||
    method === 'lInfinity' ||
    method === 'ksBinned' ||
    method === 'wassersteinBinned'
  );
}

/**
 * A linear distance of a share difference `z` (which sums to 0): the limit of √n·D, computed from d
 * directly. Equal to √N·D(p, p + z/√N) for the named function on shares as N → ∞, without the N.
 */
export function linearDistance(
  method: LinearMethod,
  z: ArrayLike<number>,
  edges?: ArrayLike<number>,
): number {
  const k = z.length;
  switch (method) {
    case 'd1':
    case 'totalVariation': {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += Math.abs(z[i] as number);
      return method === 'd1' ? sum : sum / 2;
    }
    case 'lInfinity': {
      let max = 0;
      for (let i = 0; i < k; i++) max = Math.max(max, Math.abs(z[i] as number));
      return max;
    }
    case 'ksBinned': {
      let c = 0;
      let max = 0;
      for (let i = 0; i < k; i++) {
        c += z[i] as number;
        max = Math.max(max, Math.abs(c));
      }
      return max;
    }
    case 'wassersteinBinned': {
      const e = edges as ArrayLike<number>;
      let c = 0;
      let sum = 0;
      for (let i = 0; i < k - 1; i++) {
        c += z[i] as number;
        sum += (Math.abs(c) * ((e[i + 2] as number) - (e[i] as number))) / 2;
      }
      return sum;
    }
  }
}

/**
 * Matrices of standard normals are the costly part; keep them by bin count, within this many bytes.
 * Single precision is plenty for Monte Carlo draws and halves the memory: 100 000 draws of 22 bins take
 * 8.8 MB, of 51 categories 20 MB.
 */
const NORMALS_BYTES = 128 * 1024 * 1024;
const normals = new ByteBoundedCache<Float32Array>(NORMALS_BYTES);

/**
 * `draws` × `k` iid standard normals (row-major) from `createRandom(seed)` by Box–Muller: the same for
 * every reference with k bins, so a new reference costs draws·k multiply-adds, not draws·k normals.
 */
export function normalMatrix(k: number, draws: number, seed: number): Float32Array {
  const key = `${k}|${draws}|${seed}`;
  const hit = normals.get(key);
  if (hit) return hit;
  const random = createRandom(seed);
  const out = new Float32Array(k * draws);
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return normals.set(key, out); // not kept when too large (e.g. 1 000 bins)
}

/**
 * `draws` samples of the limit law of √n·D under no drift for a linear distance, unsorted.
 * Deterministic for a seed. Cost: about 3·draws·k flops (the normals are shared).
 */
export function linearLimitSample(
  method: LinearMethod,
  shares: Float64Array,
  draws: number,
  seed: number,
  edges?: ArrayLike<number>,
): Float64Array {
  const k = shares.length;
  const g = normalMatrix(k, draws, seed);
  const root = Float64Array.from(shares, Math.sqrt);
  // Wasserstein's weights: the distance between neighbouring bin midpoints.
  const steps = new Float64Array(k);
  if (method === 'wassersteinBinned') {
    const e = edges as ArrayLike<number>;
    for (let i = 0; i < k - 1; i++) steps[i] = ((e[i + 2] as number) - (e[i] as number)) / 2;
  }
  const out = new Float64Array(draws);
  const linf = method === 'lInfinity';
  const sum = method === 'd1' || method === 'totalVariation';
  const wasserstein = method === 'wassersteinBinned';
  for (let s = 0, row = 0; s < draws; s++, row += k) {
    let projection = 0;
    for (let i = 0; i < k; i++) projection += (root[i] as number) * (g[row + i] as number);
    // zᵢ = √pᵢ·Gᵢ − pᵢ·projection, folded into each distance's loop (this is the hot path; the
    // loops equal linearDistance).
    let value = 0;
    if (sum) {
      for (let i = 0; i < k; i++)
        value += Math.abs((root[i] as number) * (g[row + i] as number) - (shares[i] as number) * projection);
      if (method === 'totalVariation') value /= 2;
    } else if (linf) {
      for (let i = 0; i < k; i++) {
        const z = (root[i] as number) * (g[row + i] as number) - (shares[i] as number) * projection;
        value = Math.max(value, Math.abs(z));
      }
    } else {
      let c = 0;
      for (let i = 0; i < k; i++) {
        c += (root[i] as number) * (g[row + i] as number) - (shares[i] as number) * projection;
        if (wasserstein) value += Math.abs(c) * (steps[i] as number);
        else value = Math.max(value, Math.abs(c));
      }
    }
    out[s] = value;
  }
  return out;
}

/**
 * The value of rank `index` (0-based) in ascending order, by quickselect (Hoare
 * partitions around a median of three): O(length), reorders `values` in place.
 */
export function selectRank(values: Float64Array, index: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (index <= j) hi = j;
    else if (index >= i) lo = i;
    else return values[index] as number;
  }
  return values[index] as number;
}
