import { type DistanceMethod, type NullThresholdOptions, nullIsAsymptotic } from '@modelpulse/stats';

/**
 * The window size a threshold is simulated at: below 16 the size itself, above it the largest 2^(k/8)
 * not above n. Windows change size every cycle; on this grid (steps of 9 %) one simulation serves every
 * nearby size, and since no-drift distances shrink as n grows, using a slightly smaller n only raises the
 * threshold — by at most 2^(1/16) ≈ 4.4 % for distances that scale as 1/√n: fewer false alarms, never
 * more.
 */
export function gridSize(n: number): number {
  if (n < 16) return n;
  // Grid points are floor(2^(k/8)); step k past floating-point error either way.
  const point = (k: number) => Math.floor(2 ** (k / 8));
  let k = Math.floor(8 * Math.log2(n));
  while (point(k + 1) <= n) k++;
  while (point(k) > n) k--;
  return point(k);
}

/**
 * The window size to ask `nullThreshold` / `nullPValueFor` about: n itself where the large-sample law
 * applies (its cost and cache entries do not depend on n, so the exact size costs nothing), else a
 * simulation grid size: {@link gridSize}, or a smaller grid size recently used for the same reference
 * while n stays within two grid steps above it ({@link stickyGridSize}).
 */
export function thresholdSize(
  method: DistanceMethod,
  reference: ArrayLike<number>,
  n: number,
  options: NullThresholdOptions = {},
): number {
  if (n >= 16 && nullIsAsymptotic(method, reference, n, options)) return n;
  return stickyGridSize(Array.prototype.join.call(reference, ','), n);
}

/** Grid steps a recently used size keeps serving as n grows past it. */
const STICKY_STEPS = 2;
const SIZES_PER_REFERENCE = 6;
const REFERENCES = 50_000;
const recent = new Map<string, number[]>();

/**
 * {@link gridSize}, unless a grid size already used for this reference (`key`) lies at most two grid
 * steps below n: then that one. A window that hovers around a grid point (most do, cycle after cycle)
 * then needs one or two simulations instead of a new one each time it crosses; the price is a threshold
 * up to 2^(2/16) ≈ 9 % higher for distances that scale as 1/√n — again fewer false alarms, never more.
 */
export function stickyGridSize(key: string, n: number): number {
  const grid = gridSize(n);
  if (n < 16) return grid;
  const used = recent.get(key);
  let best = -1;
  for (const size of used ?? []) {
    if (size <= n && size > best && n < size * 2 ** (STICKY_STEPS / 8)) best = size;
  }
  if (used) {
    recent.delete(key);
    recent.set(key, used); // recently used references stay
  }
  if (best >= 0) return best;
  if (used) {
    used.push(grid);
    if (used.length > SIZES_PER_REFERENCE) used.shift();
  } else {
    if (recent.size >= REFERENCES) recent.delete(recent.keys().next().value as string);
    recent.set(key, [grid]);
  }
  return grid;
}
