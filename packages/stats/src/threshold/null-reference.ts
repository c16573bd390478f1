import { type DistanceMethod, distanceByName } from '../distances/by-name.js';
import { TrustedShares } from '../distances/shares.js';
import { assertCounts, assertInteger, assertNumber, assertSameLength } from '../internal/assert.js';
import { type LinearMethod, QUADRATIC } from './limit-law.js';
import {
  checkObserved,
  decide,
  effectiveSize,
  holdsAt,
  linearQuantile,
  type NullThresholdOptions,
  pValueWith,
  type ReferenceFacts,
  type ResolvedOptions,
  referenceFacts,
  resolveOptions,
  type Setup,
  sharesKey,
  thresholdWith,
} from './null-threshold.js';

/** Simulated thresholds kept; windows of every size pass by over months, so memory is bounded. */
const KEPT = 512;

function keep<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= KEPT) map.clear();
  map.set(key, value);
  return value;
}

/**
 * The no-drift laws of one reference, for a caller that asks about the same reference again and again —
 * a monitor's cycle asks for every feature, window and method every few minutes. The reference and
 * options are copied, validated and hashed once; large windows then cost a few arithmetic operations,
 * and the simulated thresholds of small ones are kept (the last 512). The answers are exactly
 * those of {@link nullThreshold}, {@link nullPValueFor} and {@link nullIsAsymptotic} with the same
 * arguments (which also fill and use their caches).
 *
 * @example
 * const nulls = new NullReference([0.5, 0.3, 0.2]);
 * nulls.threshold('d1', 200, 0.05) === nullThreshold('d1', [0.5, 0.3, 0.2], 200, 0.05); // true
 * nulls.isAsymptotic('d1', 100); // true — 20 expected in the smallest bin
 */
export class NullReference {
  readonly #shares: Float64Array;
  readonly #options: NullThresholdOptions;
  readonly #facts: ReferenceFacts;
  readonly #resolved: ResolvedOptions;
  readonly #id: string;
  /** methods already checked: with the edges their distance needs, and by name alone */
  readonly #checked = new Set<DistanceMethod>();
  readonly #named = new Set<DistanceMethod>();
  readonly #thresholds = new Map<string, number>();
  /** large-sample quantiles of √n·D for the linear distances, by method and α (asked for every window) */
  readonly #linear = new Map<DistanceMethod, Map<number, number>>();
  /** the reference as shares the distances trust */
  readonly #trusted: TrustedShares;
  #current: TrustedShares | undefined;
  readonly #distances = new Map<DistanceMethod, (p: ArrayLike<number>, q: ArrayLike<number>) => number>();

  constructor(referenceShares: ArrayLike<number>, options: NullThresholdOptions = {}) {
    const fn = 'new NullReference(referenceShares, options)';
    // Copies, so that a caller changing its arrays later cannot make the kept answers wrong.
    this.#facts = referenceFacts(fn, referenceShares);
    this.#shares = Float64Array.from(referenceShares);
    this.#options = {
      ...options,
      ...(options.edges === undefined ? {} : { edges: Float64Array.from(options.edges) }),
    };
    this.#resolved = resolveOptions(fn, this.#options);
    const total = this.#facts.total;
    this.#trusted = TrustedShares.from(this.#shares, (v) => v / total);
    this.#id = sharesKey(this.#shares, this.#facts.total, this.#options.edges);
  }

  /** Refuses what the free functions refuse: unknown methods, missing edges where needed, bad n. */
  #check(fn: string, method: DistanceMethod, n: number, needsEdges: boolean): void {
    const checked = needsEdges ? this.#checked : this.#named;
    if (!checked.has(method)) {
      const { edges } = this.#options;
      distanceByName(method, needsEdges ? edges : (edges ?? [0, 1]));
      checked.add(method);
    }
    assertInteger(fn, 'n', n, 1);
  }

  #setup(fn: string, method: DistanceMethod, n: number, alpha: number): Setup {
    this.#check(fn, method, n, true);
    const s = decide(method, n, alpha, this.#facts, this.#resolved);
    s.id = this.#id;
    return s;
  }

  /**
   * The distances between this reference and a window's counts (same bins) for several methods, the
   * counts validated and turned into shares once: equal to `distanceByName(method, edges)(reference,
   * counts)` for each method.
   */
  distances(methods: readonly DistanceMethod[], counts: ArrayLike<number>): number[] {
    const fn = 'NullReference.distances(methods, counts)';
    const total = assertCounts(fn, 'counts', counts);
    assertSameLength(fn, ['the reference', this.#shares], ['counts', counts]);
    // One scratch array per reference: the distances below are done with it before this returns.
    this.#current ??= new TrustedShares(counts.length);
    const current = this.#current;
    for (let i = 0; i < counts.length; i++) current[i] = (counts[i] as number) / total;
    return methods.map((method) => {
      let distance = this.#distances.get(method);
      if (distance === undefined) {
        distance = distanceByName(method, this.#options.edges);
        this.#distances.set(method, distance);
      }
      return distance(this.#trusted, current);
    });
  }

  /** {@link nullIsAsymptotic} for this reference. */
  isAsymptotic(method: DistanceMethod, n: number): boolean {
    this.#check('NullReference.isAsymptotic(method, n)', method, n, false);
    return holdsAt(method, effectiveSize(n, this.#resolved.referenceN), this.#facts, this.#resolved);
  }

  /** {@link nullThreshold} for this reference. */
  threshold(method: DistanceMethod, n: number, alpha = 0.01): number {
    const fn = 'NullReference.threshold(method, n, alpha)';
    assertNumber(fn, 'alpha', alpha, { min: 0, max: 1, open: true });
    const s = this.#setup(fn, method, n, alpha);
    if (s.asymptotic) {
      if (QUADRATIC[method]) return thresholdWith(method, this.#shares, n, alpha, this.#options, s);
      let byAlpha = this.#linear.get(method);
      if (byAlpha === undefined) {
        byAlpha = new Map();
        this.#linear.set(method, byAlpha);
      }
      let quantile = byAlpha.get(alpha);
      if (quantile === undefined) {
        if (byAlpha.size >= KEPT) byAlpha.clear();
        quantile = linearQuantile(method as LinearMethod, this.#shares, alpha, this.#options, s);
        byAlpha.set(alpha, quantile);
      }
      // As thresholdWith divides it.
      return quantile / Math.sqrt(s.nEff);
    }
    const key = `${method}|${n}|${alpha}`;
    return (
      this.#thresholds.get(key) ??
      keep(this.#thresholds, key, thresholdWith(method, this.#shares, n, alpha, this.#options, s))
    );
  }

  /** {@link nullPValueFor} for this reference. */
  pValue(method: DistanceMethod, n: number, observed: number): number {
    const fn = 'NullReference.pValue(method, n, observed)';
    checkObserved(fn, observed);
    // Not kept here: the simulated tables stay bounded by the shared cache they live in.
    const s = this.#setup(fn, method, n, 0.01);
    return pValueWith(fn, method, this.#shares, n, observed, this.#options, s);
  }
}
