import { assertInteger, assertNumber } from '../internal/assert.js';

/** A two-sided confidence interval for a proportion, inside [0, 1]. */
export interface ProportionInterval {
  lower: number;
  upper: number;
}

/**
 * Checks the arguments shared by the binomial-proportion intervals: whole counts 0 ≤ successes ≤ n,
 * n ≥ 1, and a confidence level strictly between 0 and 1.
 */
export function assertProportionArguments(
  fn: string,
  successes: unknown,
  n: unknown,
  confidence: unknown,
): void {
  assertInteger(fn, 'successes', successes);
  assertInteger(fn, 'n', n, 1);
  if (successes > n) throw new RangeError(`${fn}: successes must be ≤ n, got ${successes} > ${n}.`);
  assertNumber(fn, 'confidence', confidence, { min: 0, max: 1, open: true });
}
