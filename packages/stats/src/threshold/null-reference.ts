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
  type PValueTable,
  pValueWith,
  quadraticPValue,
  quadraticThreshold,
  type ReferenceFacts,
  type ResolvedOptions,
  referenceFacts,
  resolveOptions,
  type Setup,
  sharesKey,
  simulatedPValues,
  tablePValue,
  thresholdWith,
} from './null-threshold.js';

/**
 * Values by method and two numbers (α, n), for lookups made for every window: nested maps, because a
 * string key would format α, a double, on every call. Windows of every size pass by over months, so it
 * starts over when full.
 */
class ByMethod<V> {
  readonly #maps = new Map<DistanceMethod, Map<number, Map<number, V>>>();
  readonly #limit: number;
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(method: DistanceMethod, a: number, b: number): V | undefined {
    return this.#maps.get(method)?.get(a)?.get(b);
  }

  set(method: DistanceMethod, a: number, b: number, value: V): V {
    if (this.#size >= this.#limit) {
      this.#maps.clear();
      this.#size = 0;
    }
    let byA = this.#maps.get(method);
    if (byA === undefined) {
      byA = new Map();
      this.#maps.set(method, byA);
    }
    let byB = byA.get(a);
    if (byB === undefined) {
      byB = new Map();
      byA.set(a, byB);
    }
    if (!byB.has(b)) this.#size++;
    byB.set(b, value);
    return value;
  }
}

/**
 * The no-drift laws of one reference, for a caller that asks about the same reference again and again —
 * a monitor's cycle asks for every feature, window and method every few minutes. The reference and
 * options are copied, validated and hashed once; large windows then cost a few arithmetic operations,
 * and the simulated thresholds of small ones are kept (up to 512), as are the p-value tables of the
 * last few sizes (up to 4, about 4 KB each at α = 0.01: thousands of references stay within tens of
 * MB; older tables are still found in the shared cache). The answers are exactly
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
  /** simulated thresholds by method, α and n */
  readonly #thresholds = new ByMethod<number>(512);
  /** large-sample quantiles of √n·D for the linear distances, by method and α (n: 0) */
  readonly #linear = new ByMethod<number>(512);
  /** p-value tables of small windows by method and n (α: 0); a window hovers over a few sizes */
  readonly #tables = new ByMethod<PValueTable>(4);
  /** the reference as shares the distances trust */
  readonly #trusted: TrustedShares;
  #current: TrustedShares | undefined;
  readonly #distances = new Map<DistanceMethod, (p: ArrayLike<number>, q: ArrayLike<number>) => number>();
  /**
   * The smallest n seen where the large-sample law holds, by method: it holds at every larger n too (the
   * effective size grows with n, and the law's conditions with it), so most windows need no check.
   */
  readonly #holdsFrom = new Map<DistanceMethod, number>();

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
    const out = new Array<number>(methods.length);
    for (let i = 0; i < methods.length; i++) {
      const method = methods[i] as DistanceMethod;
      let distance = this.#distances.get(method);
      if (distance === undefined) {
        distance = distanceByName(method, this.#options.edges);
        this.#distances.set(method, distance);
      }
      out[i] = distance(this.#trusted, current);
    }
    return out;
  }

  /** {@link nullIsAsymptotic} for this reference. */
  isAsymptotic(method: DistanceMethod, n: number): boolean {
    this.#check('NullReference.isAsymptotic(method, n)', method, n, false);
    return this.#holds(method, n);
  }

  /** holdsAt at n (n checked), remembering the smallest n where it held. */
  #holds(method: DistanceMethod, n: number): boolean {
    const from = this.#holdsFrom.get(method);
    if (from !== undefined && n >= from) return true;
    const holds = holdsAt(method, effectiveSize(n, this.#resolved.referenceN), this.#facts, this.#resolved);
    if (holds) this.#holdsFrom.set(method, n);
    return holds;
  }

  /** {@link nullThreshold} for this reference. */
  threshold(method: DistanceMethod, n: number, alpha = 0.01): number {
    // Kept only once validated: a hit needs no checks.
    const simulated = this.#thresholds.get(method, alpha, n);
    if (simulated !== undefined) return simulated;
    // Large windows, asked about every cycle with a new n: thresholdWith's arithmetic, without its setup.
    if (this.#checked.has(method) && Number.isInteger(n) && n >= 1 && alpha > 0 && alpha < 1) {
      if (this.#holds(method, n)) {
        const nEff = effectiveSize(n, this.#resolved.referenceN);
        const quadratic = QUADRATIC[method];
        if (quadratic) return quadraticThreshold(quadratic, alpha, this.#facts.positive, nEff);
        const quantile = this.#linear.get(method, alpha, 0);
        if (quantile !== undefined) return quantile / Math.sqrt(nEff);
      }
    }
    const fn = 'NullReference.threshold(method, n, alpha)';
    assertNumber(fn, 'alpha', alpha, { min: 0, max: 1, open: true });
    const s = this.#setup(fn, method, n, alpha);
    if (!s.asymptotic) {
      const value = thresholdWith(method, this.#shares, n, alpha, this.#options, s);
      return this.#thresholds.set(method, alpha, n, value);
    }
    if (QUADRATIC[method]) return thresholdWith(method, this.#shares, n, alpha, this.#options, s);
    const quantile =
      this.#linear.get(method, alpha, 0) ??
      this.#linear.set(
        method,
        alpha,
        0,
        linearQuantile(method as LinearMethod, this.#shares, alpha, this.#options, s),
      );
    // As thresholdWith divides it.
    return quantile / Math.sqrt(s.nEff);
  }

  /** {@link nullPValueFor} for this reference. */
  pValue(method: DistanceMethod, n: number, observed: number): number {
    const fn = 'NullReference.pValue(method, n, observed)';
    checkObserved(fn, observed);
    const known = this.#tables.get(method, n, 0);
    if (known !== undefined) return tablePValue(observed, known);
    // As pValueWith for a large window, without the setup.
    const quadratic = QUADRATIC[method];
    if (quadratic && this.#checked.has(method) && Number.isInteger(n) && n >= 1 && this.#holds(method, n)) {
      const nEff = effectiveSize(n, this.#resolved.referenceN);
      return quadraticPValue(quadratic, observed, this.#facts.positive, nEff);
    }
    const s = this.#setup(fn, method, n, 0.01);
    if (s.asymptotic) return pValueWith(fn, method, this.#shares, n, observed, this.#options, s);
    const table = simulatedPValues(method, this.#shares, n, this.#options, s);
    return tablePValue(observed, this.#tables.set(method, n, 0, table));
  }
}
