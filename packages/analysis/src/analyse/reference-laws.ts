import { type DistanceMethod, NullReference, type NullThresholdOptions } from '@modelpulse/stats';
import { stickyGridSize } from './sample-size-grid.js';

/**
 * One reference's no-drift laws (thresholds and p-values at any window size, kept between cycles) and
 * the simulation sizes recently used for it.
 */
export class ReferenceLaws {
  readonly #nulls: NullReference;
  readonly #sizes: number[] = [];

  constructor(reference: ArrayLike<number>, options: NullThresholdOptions) {
    this.#nulls = new NullReference(reference, options);
  }

  /**
   * The window size the laws are taken at for a window of n: n itself where the large-sample law applies
   * (its cost and cache entries do not depend on n), else a simulation grid size (see `stickyGridSize`).
   */
  size(method: DistanceMethod, n: number): number {
    if (n >= 16 && this.#nulls.isAsymptotic(method, n)) return n;
    return stickyGridSize(this.#sizes, n);
  }

  /** The distances between the reference and a window's counts, one per method. */
  distances(methods: readonly DistanceMethod[], counts: ArrayLike<number>): number[] {
    return this.#nulls.distances(methods, counts);
  }

  threshold(method: DistanceMethod, n: number, alpha: number): number {
    return this.#nulls.threshold(method, this.size(method, n), alpha);
  }

  pValue(method: DistanceMethod, n: number, observed: number): number {
    return this.#nulls.pValue(method, this.size(method, n), observed);
  }
}

/** By reference array (profiles keep theirs between cycles), then by the options. */
const byReference = new WeakMap<ArrayLike<number>, Map<string, ReferenceLaws>>();
/** By content, for references rebuilt every cycle with the same values (a pinned period). */
const byContent = new Map<string, ReferenceLaws>();
const CONTENT_KEPT = 1000;

/**
 * The laws of a reference, made once per reference and options: found by the array's identity, else by
 * its values (then remembered for that array too), so the sizes recently used for it carry over.
 */
export function referenceLaws(
  reference: ArrayLike<number>,
  options: NullThresholdOptions = {},
): ReferenceLaws {
  let byOptions = byReference.get(reference);
  if (!byOptions) {
    byOptions = new Map();
    byReference.set(reference, byOptions);
  }
  const optionsKey = `${options.referenceN ?? ''}|${options.edges ? Array.prototype.join.call(options.edges) : ''}`;
  let laws = byOptions.get(optionsKey);
  if (laws) return laws;
  const contentKey = `${optionsKey}|${Array.prototype.join.call(reference)}`;
  laws = byContent.get(contentKey);
  if (laws)
    byContent.delete(contentKey); // re-inserted below: recently used references stay
  else laws = new ReferenceLaws(reference, options);
  if (byContent.size >= CONTENT_KEPT) byContent.delete(byContent.keys().next().value as string);
  byContent.set(contentKey, laws);
  byOptions.set(optionsKey, laws);
  return laws;
}
