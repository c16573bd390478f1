import { sharesOf } from './shares.js';

/**
 * Hellinger distance √(½ Σ (√pᵢ − √qᵢ)²) over shares, range 0–1. Summing squared differences (rather
 * than 1 − Σ√(pᵢqᵢ)) keeps small distances accurate.
 *
 * @example
 * hellinger([50, 50], [80, 20]); // ≈ 0.2265
 */
export function hellinger(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [ps, qs] = sharesOf('hellinger(p, q)', p, q);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    const d = Math.sqrt(ps[i] as number) - Math.sqrt(qs[i] as number);
    sum += d * d;
  }
  return Math.min(1, Math.sqrt(sum / 2));
}
