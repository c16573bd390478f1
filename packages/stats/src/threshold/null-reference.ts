import type { DistanceMethod } from '../distances/by-name.js';
import { assertCounts } from '../internal/assert.js';
import {
  checkObserved,
  type NullThresholdOptions,
  nullIsAsymptotic,
  nullPValueLaw,
  nullThreshold,
} from './null-threshold.js';

/**
 * The no-drift laws of one reference, for a caller that asks about the same reference again and again —
 * a monitor's cycle asks for every feature, window and method every few minutes. The reference is
 * copied and validated once and every answer is kept, so a repeated question costs one map lookup
 * instead of validating, normalising and hashing the shares again. The answers are exactly those of
 * {@link nullThreshold}, {@link nullPValueFor} and {@link nullIsAsymptotic} with the same arguments
 * (which also fill and use their caches); the last 512 of each kind are kept.
 *
 * @example
 * const nulls = new NullReference([0.5, 0.3, 0.2]);
 * nulls.threshold('d1', 200, 0.05) === nullThreshold('d1', [0.5, 0.3, 0.2], 200, 0.05); // true
 * nulls.isAsymptotic('d1', 100); // true — 20 expected in the smallest bin
 */
/** Answers kept per kind; windows of every size pass by over months, so the memory is bounded. */
const KEPT = 512;

function keep<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= KEPT) map.clear();
  map.set(key, value);
  return value;
}

export class NullReference {
  readonly #shares: Float64Array;
  readonly #options: NullThresholdOptions;
  readonly #asymptotic = new Map<string, boolean>();
  readonly #thresholds = new Map<string, number>();
  readonly #laws = new Map<string, (observed: number) => number>();

  constructor(referenceShares: ArrayLike<number>, options: NullThresholdOptions = {}) {
    assertCounts('new NullReference(referenceShares)', 'referenceShares', referenceShares);
    // Copies, so that a caller changing its arrays later cannot make the kept answers wrong.
    this.#shares = Float64Array.from(referenceShares);
    this.#options = {
      ...options,
      ...(options.edges === undefined ? {} : { edges: Float64Array.from(options.edges) }),
    };
  }

  /** {@link nullIsAsymptotic} for this reference. */
  isAsymptotic(method: DistanceMethod, n: number): boolean {
    const key = `${method}|${n}`;
    let known = this.#asymptotic.get(key);
    if (known === undefined) {
      known = keep(this.#asymptotic, key, nullIsAsymptotic(method, this.#shares, n, this.#options));
    }
    return known;
  }

  /** {@link nullThreshold} for this reference. */
  threshold(method: DistanceMethod, n: number, alpha = 0.01): number {
    const key = `${method}|${n}|${alpha}`;
    let known = this.#thresholds.get(key);
    if (known === undefined) {
      known = keep(this.#thresholds, key, nullThreshold(method, this.#shares, n, alpha, this.#options));
    }
    return known;
  }

  /** {@link nullPValueFor} for this reference. */
  pValue(method: DistanceMethod, n: number, observed: number): number {
    const fn = 'NullReference.pValue(method, n, observed)';
    checkObserved(fn, observed);
    const key = `${method}|${n}`;
    let law = this.#laws.get(key);
    if (law === undefined) {
      law = keep(this.#laws, key, nullPValueLaw(fn, method, this.#shares, n, this.#options));
    }
    return law(observed);
  }
}
