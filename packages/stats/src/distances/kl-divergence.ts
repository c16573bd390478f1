import { sharesOf } from './shares.js';

/**
 * Kullback–Leibler divergence D(p‖q) = Σ pᵢ · ln(pᵢ / qᵢ) over shares, in nats (natural logarithm),
 * equal to `scipy.stats.entropy(p, q)`. Asymmetric; `Infinity` when q has an empty bin where p has mass
 * (that is the true value, not an error). For drift, pass the current window as p and the reference as q.
 *
 * @example
 * klDivergence([80, 20], [50, 50]); // ≈ 0.1927
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [ps, qs] = sharesOf('klDivergence(p, q)', p, q);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i] as number;
    if (a === 0) continue;
    const b = qs[i] as number;
    if (b === 0) return Number.POSITIVE_INFINITY;
    sum += a * Math.log(a / b);
  }
  return Math.max(0, sum);
}
