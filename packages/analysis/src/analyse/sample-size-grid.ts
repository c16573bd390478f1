/**
 * The window size a threshold is simulated at: below 16 the size itself, above it the largest 2^(k/8)
 * not above n. Windows change size every cycle; on this grid (steps of 9 %) one simulation serves every
 * nearby size, and since no-drift distances shrink as n grows, using a slightly smaller n only raises the
 * threshold — by at most 2^(1/16) ≈ 4.4 % for distances that scale as 1/√n: fewer false alarms, never
 * more.
 */
export function gridSize(n: number): number {
  if (n < 16) return n;
  // Step k past floating-point error either way.
  let k = Math.floor(8 * Math.log2(n));
  while (point(k + 1) <= n) k++;
  while (point(k) > n) k--;
  return point(k);
}

/** The k-th grid point, floor(2^(k/8)). */
function point(k: number): number {
  return Math.floor(2 ** (k / 8));
}

/** Grid steps a recently used size keeps serving as n grows past it. */
const STICKY_STEPS = 2;
const STICKY_FACTOR = 2 ** (STICKY_STEPS / 8);
/** Sizes remembered per reference. */
const SIZES_PER_REFERENCE = 6;

/**
 * {@link gridSize}, unless a grid size in `used` (the sizes recently simulated for one reference, most
 * recent last; updated here) lies at most two grid steps below n: then that one. A window that hovers
 * around a grid point (most do, cycle after cycle) then needs one or two simulations instead of a new one
 * each time it crosses; the price is a threshold up to 2^(2/16) ≈ 9 % higher for distances that scale as
 * 1/√n — again fewer false alarms, never more.
 */
export function stickyGridSize(used: number[], n: number): number {
  if (n < 16) return n;
  let best = -1;
  for (const size of used) {
    if (size <= n && size > best && n < size * STICKY_FACTOR) best = size;
  }
  if (best >= 0) return best; // most windows: no grid point to compute
  const grid = gridSize(n);
  used.push(grid);
  if (used.length > SIZES_PER_REFERENCE) used.shift();
  return grid;
}
