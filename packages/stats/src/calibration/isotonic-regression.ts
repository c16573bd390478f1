import { assertArray, describe, type NumericArray } from '../internal/assert.js';

/** An increasing isotonic fit: the distinct fit points and the fitted value at each. */
export interface IsotonicFit {
  /** distinct x values of the points with a positive weight, increasing */
  x: number[];
  /** fitted value at each of `x`, non-decreasing */
  y: number[];
  /** fitted value at each input point, in the input order (`isotonicPredict` at its x) */
  fitted: number[];
}

const FN = 'isotonicRegression(x, y, weights)';
/**
 * x values closer than this merge into one fit point, as in scikit-learn (`numpy.finfo(float64).resolution`),
 * so that the fitted values agree with it even on near-ties.
 */
const TIE_EPSILON = 1e-15;

/**
 * Weighted, increasing isotonic regression of `y` on `x` by pool-adjacent-violators: the non-decreasing
 * function of x closest to y in weighted least squares. Points with equal x are first pooled into their
 * weighted mean (ties in x get one fitted value); points of weight 0 do not take part in the fit and get
 * the interpolated value at their x, like any other x (see {@link isotonicPredict}).
 *
 * Equals `sklearn.isotonic.IsotonicRegression(out_of_bounds='clip').fit(x, y, weights)`: `fitted` is its
 * `transform(x)`, and `isotonicPredict(fit, v)` its `predict([v])`. Used to calibrate scores on reference
 * data before confidence-based performance estimation (see {@link calibrationMap}).
 *
 * @param x finite numbers (e.g. scores)
 * @param y finite numbers, one per x (e.g. 0/1 labels, or observed rates)
 * @param weights finite weights ≥ 0, one per x, with a positive total; default all 1
 * @example
 * isotonicRegression([1, 2, 3, 4], [1, 3, 2, 4]).fitted; // [1, 2.5, 2.5, 4]
 * isotonicRegression([1, 2, 3], [0, 1, 0], [1, 1, 3]).y; // [0, 0.25, 0.25]
 */
export function isotonicRegression(x: NumericArray, y: NumericArray, weights?: NumericArray): IsotonicFit {
  assertArray(FN, 'x', x);
  assertArray(FN, 'y', y);
  const n = x.length;
  if (n === 0) throw new RangeError(`${FN}: x must not be empty.`);
  if (y.length !== n) {
    throw new RangeError(`${FN}: x and y must have the same length, got ${n} and ${y.length}.`);
  }
  if (weights !== undefined) {
    assertArray(FN, 'weights', weights);
    if (weights.length !== n) {
      throw new RangeError(`${FN}: x and weights must have the same length, got ${n} and ${weights.length}.`);
    }
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    finite('x', i, x[i]);
    finite('y', i, y[i]);
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new RangeError(`${FN}: weights[${i}] must be a finite weight ≥ 0, got ${describe(w)}.`);
    }
    if (w > 0) order.push(i);
  }
  if (order.length === 0) throw new RangeError(`${FN}: weights must have a positive total, got all zeros.`);
  order.sort((a, b) => (x[a] as number) - (x[b] as number) || (y[a] as number) - (y[b] as number));

  // Pool ties: one point per distinct x with the weighted mean of its y.
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  let currentX = x[order[0] as number] as number;
  let sumWY = 0;
  let sumW = 0;
  for (const i of order) {
    const xi = x[i] as number;
    const wi = weights === undefined ? 1 : (weights[i] as number);
    if (xi - currentX >= TIE_EPSILON) {
      ux.push(currentX);
      uy.push(sumWY / sumW);
      uw.push(sumW);
      currentX = xi;
      sumWY = 0;
      sumW = 0;
    }
    sumWY += (y[i] as number) * wi;
    sumW += wi;
  }
  ux.push(currentX);
  uy.push(sumWY / sumW);
  uw.push(sumW);

  // Pool adjacent violators: a stack of blocks, each with its weighted mean; merge while out of order.
  const m = ux.length;
  const blockMean: number[] = [];
  const blockWeight: number[] = [];
  const blockEnd: number[] = [];
  for (let i = 0; i < m; i++) {
    let mean = uy[i] as number;
    let weight = uw[i] as number;
    while (blockMean.length > 0 && (blockMean[blockMean.length - 1] as number) >= mean) {
      const w = blockWeight.pop() as number;
      const mu = blockMean.pop() as number;
      blockEnd.pop();
      mean = (mu * w + mean * weight) / (w + weight);
      weight += w;
    }
    blockMean.push(mean);
    blockWeight.push(weight);
    blockEnd.push(i);
  }
  const fy = new Array<number>(m);
  let start = 0;
  blockEnd.forEach((end, b) => {
    for (let i = start; i <= end; i++) fy[i] = blockMean[b] as number;
    start = end + 1;
  });

  const fit = { x: ux, y: fy };
  const fitted = new Array<number>(n);
  for (let i = 0; i < n; i++) fitted[i] = interpolate(fit, x[i] as number);
  return { x: ux, y: fy, fitted };
}

/**
 * The value of an isotonic fit at `value`: linear interpolation between the fit points, clipped to the
 * first and last fitted value outside their range (`IsotonicRegression(out_of_bounds='clip').predict`).
 *
 * @param fit the `x` and `y` of an {@link isotonicRegression} result
 * @param value a finite number
 * @example
 * const fit = isotonicRegression([0, 1], [0.2, 0.6]);
 * isotonicPredict(fit, 0.25); // ≈ 0.3
 * isotonicPredict(fit, 7); // 0.6 — clipped
 */
export function isotonicPredict(fit: Pick<IsotonicFit, 'x' | 'y'>, value: number): number {
  const fn = 'isotonicPredict(fit, value)';
  if (typeof fit !== 'object' || fit === null) {
    throw new TypeError(`${fn}: fit must be an isotonicRegression result, got ${describe(fit)}.`);
  }
  assertArray(fn, 'fit.x', fit.x);
  assertArray(fn, 'fit.y', fit.y);
  if (fit.x.length === 0 || fit.x.length !== fit.y.length) {
    throw new RangeError(`${fn}: fit.x and fit.y must be non-empty and of the same length.`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${fn}: value must be a finite number, got ${describe(value)}.`);
  }
  return interpolate(fit, value);
}

function interpolate(fit: { x: readonly number[]; y: readonly number[] }, v: number): number {
  const { x, y } = fit;
  const last = x.length - 1;
  if (v <= (x[0] as number)) return y[0] as number;
  if (v >= (x[last] as number)) return y[last] as number;
  // Largest i with x[i] ≤ v (binary search), then the line to x[i + 1], written as scipy's interp1d does.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) <= v) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const y0 = y[lo] as number;
  if (v === x0) return y0;
  const slope = ((y[lo + 1] as number) - y0) / ((x[lo + 1] as number) - x0);
  return slope * (v - x0) + y0;
}

function finite(name: string, i: number, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`${FN}: ${name}[${i}] must be a finite number, got ${describe(v)}.`);
  }
}
