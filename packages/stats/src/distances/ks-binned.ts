import { sharesOf } from './shares.js';

/**
 * Kolmogorov–Smirnov statistic on a bin grid: the largest gap between the two cumulative shares
 * evaluated at the bin edges, range 0–1. Equals the raw-sample KS statistic when no two values of
 * different bins tie, and never exceeds it.
 *
 * @example
 * ksBinned([50, 30, 20], [40, 30, 30]); // 0.1
 */
export function ksBinned(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [ps, qs] = sharesOf('ksBinned(p, q)', p, q);
  let cp = 0;
  let cq = 0;
  let max = 0;
  for (let i = 0; i < ps.length; i++) {
    cp += ps[i] as number;
    cq += qs[i] as number;
    max = Math.max(max, Math.abs(cp - cq));
  }
  return Math.min(1, max);
}
