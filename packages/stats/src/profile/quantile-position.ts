import { describe } from '../internal/assert.js';

/**
 * Position of a value in the training distribution (probability integral transform), the value that
 * `ml.feature.quantile` records: the empirical CDF at the profile's knots, linear in between. Values
 * inside the training range land in (0, 1] — the training minimum maps to the share of rows equal to it,
 * never 0, so it is not mistaken for out-of-range by OTel's upper-inclusive (−∞, 0] bucket. Below the
 * minimum the result is exactly 0: OpenTelemetry SDKs drop negative histogram values, and 0 already
 * lands in the (−∞, 0] bucket that in-range values never reach. Above the maximum it is 1 plus the
 * distance past the maximum in units of the training range, so far-out values stay visible (a value
 * ×100 lands far beyond 1).
 *
 * @example
 * quantilePosition(5, [0, 10], [0.5, 1]);   // 0.75
 * quantilePosition(-5, [0, 10], [0.5, 1]);  // 0
 * quantilePosition(20, [0, 10], [0.5, 1]);  // 2
 */
export function quantilePosition(value: number, knots: ArrayLike<number>, cdf: ArrayLike<number>): number {
  // A NaN would fall through every comparison into the middle of the distribution.
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new TypeError(
      `quantilePosition(value, knots, cdf): value must be a number, got ${describe(value)}.`,
    );
  const last = knots.length - 1;
  const lo = knots[0] as number;
  const hi = knots[last] as number;
  const span = hi - lo || 1;
  if (value < lo) return 0;
  if (value > hi) return 1 + (value - hi) / span;
  // First knot ≥ value.
  let a = 0;
  let b = last;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if ((knots[mid] as number) < value) a = mid + 1;
    else b = mid;
  }
  const k1 = knots[a] as number;
  const c1 = cdf[a] as number;
  if (value === k1 || a === 0) return c1;
  const k0 = knots[a - 1] as number;
  const c0 = cdf[a - 1] as number;
  return c0 + ((c1 - c0) * (value - k0)) / (k1 - k0);
}
