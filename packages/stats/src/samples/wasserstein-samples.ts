import { sortedCopy } from '../binning/sorted-copy.js';
import { assertSamples } from '../internal/assert.js';

/**
 * First Wasserstein (earth mover's) distance between two samples: the area between their empirical
 * CDFs, ∫ |F_a(x) − F_b(x)| dx, in the units of the data. Equals `scipy.stats.wasserstein_distance(a, b)`.
 * Sorts copies of both inputs (O((n + m) log(n + m))) and integrates in one merge walk.
 *
 * @example
 * wassersteinSamples([0, 1, 3], [5, 6, 8]); // 5
 */
export function wassersteinSamples(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const fn = 'wassersteinSamples(a, b)';
  assertSamples(fn, 'a', a);
  assertSamples(fn, 'b', b);
  const sa = sortedCopy(a);
  const sb = sortedCopy(b);
  const n = sa.length;
  const m = sb.length;
  let i = 0;
  let j = 0;
  let x = Math.min(sa[0] as number, sb[0] as number);
  let sum = 0;
  while (i < n || j < m) {
    // Consume every value equal to x, then integrate the CDF gap up to the next distinct value.
    while (i < n && sa[i] === x) i++;
    while (j < m && sb[j] === x) j++;
    const next = Math.min(
      i < n ? (sa[i] as number) : Number.POSITIVE_INFINITY,
      j < m ? (sb[j] as number) : Number.POSITIVE_INFINITY,
    );
    if (next === Number.POSITIVE_INFINITY) break;
    sum += Math.abs(i / n - j / m) * (next - x);
    x = next;
  }
  return sum;
}
