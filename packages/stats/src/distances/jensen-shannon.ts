import { sharesOf } from './shares.js';

/**
 * Jensen–Shannon divergence in base 2 (range 0–1) and its square root, the Jensen–Shannon distance
 * (a metric). Tools disagree on which one they report: Evidently and NannyML report the distance
 * (= `scipy.spatial.distance.jensenshannon(p, q, base=2)`), TFDV / Vertex AI the divergence. Both are
 * returned so a threshold is never compared against the wrong one. Empty bins need no smoothing.
 *
 * @example
 * jensenShannon([50, 50], [80, 20]); // { divergence: ≈ 0.0731, distance: ≈ 0.2704 }
 */
export function jensenShannon(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
): { divergence: number; distance: number } {
  const [ps, qs] = sharesOf('jensenShannon(p, q)', p, q);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i] as number;
    const b = qs[i] as number;
    const m = (a + b) / 2;
    if (a > 0) sum += a * Math.log2(a / m);
    if (b > 0) sum += b * Math.log2(b / m);
  }
  const divergence = Math.min(1, Math.max(0, sum / 2));
  return { divergence, distance: Math.sqrt(divergence) };
}
