import { assertNumber } from '../internal/assert.js';
import { incompleteGamma } from './incomplete-gamma.js';

/**
 * Survival function of the chi-squared distribution, P(χ²_dof ≥ x) = Q(dof/2, x/2), for x ≥ 0 and
 * dof > 0 (not necessarily an integer). Tiny p-values keep full relative precision: they are summed
 * directly, never formed as 1 − CDF. Equals `scipy.stats.chi2.sf(x, dof)`.
 *
 * @example
 * chiSquaredSurvival(3.841458820694124, 1); // ≈ 0.05
 */
export function chiSquaredSurvival(x: number, dof: number): number {
  const fn = 'chiSquaredSurvival(x, dof)';
  assertNumber(fn, 'dof', dof, { min: 0, max: Number.POSITIVE_INFINITY, open: true });
  if (x === Number.POSITIVE_INFINITY) return 0; // as scipy: nothing lies beyond
  assertNumber(fn, 'x', x, { min: 0 });
  return incompleteGamma(dof / 2, x / 2).upper;
}
