import { type DistanceMethod, NullReference, type NullThresholdOptions } from '@modelpulse/stats';
import { stickyGridSize } from './sample-size-grid.js';

/**
 * Bins whose shares all lie within 5 % of their mean count as equal mass (see {@link nullShares}). Bins cut
 * at training quantiles hold equal mass by construction, up to ties and rounding: ±2.7 % on 20 bins from
 * 4 000 rows. Simulating such a reference at exactly equal shares moved the 99 % thresholds by at most
 * 3.7 % (mostly under 1.5 %, the order of the simulation's own seed-to-seed spread, 0.4–3 %) on
 * 5, 10 and 20 bins spread ±3 % and ±5 %, for windows of 50 to 1 000.
 */
const EQUAL_MASS = 0.05;

/**
 * The shares the no-drift laws are simulated at: the reference itself, or, when its bins with mass hold
 * equal mass up to {@link EQUAL_MASS}, exactly equal shares on those bins. Every feature binned at its
 * training quantiles then shares one law per window size, instead of one simulation per feature: the
 * estimated shares differ by less than they are uncertain (a bin of 5 % estimated from 4 000 rows is
 * ±7 %), and less than the thresholds move.
 */
export function nullShares(reference: ArrayLike<number>): ArrayLike<number> {
  let sum = 0;
  let bins = 0;
  for (let i = 0; i < reference.length; i++) {
    const v = reference[i] as number;
    if (v > 0) {
      sum += v;
      bins++;
    }
  }
  if (bins < 2) return reference;
  const mean = sum / bins;
  for (let i = 0; i < reference.length; i++) {
    const v = reference[i] as number;
    if (v > 0 && Math.abs(v / mean - 1) > EQUAL_MASS) return reference;
  }
  return Array.from(reference, (v) => (v > 0 ? 1 : 0));
}

/**
 * The law a sample reference (a window of live traffic, `referenceN` values) is simulated at: its counts
 * plus half a count in every bin (Jeffreys' prior), not its bare shares. A bin the reference sample missed
 * is rarely empty in truth; simulated at zero mass, it never shows up in simulated windows, while the live
 * window does show values there, so small windows alarmed too often. Between two healthy windows of 50
 * values on 12 bins, the Jensen–Shannon p-value fell below α = 1 % in 19 of 500 pairs with the bare shares
 * and 7 with this law (PSI's threshold: 21 → 11; test/window-skew.test.ts); from 200 values on, both
 * gave about α in a scratch run of 500 pairs per size.
 */
function sampleLaw(reference: ArrayLike<number>, referenceN: number): number[] {
  let total = 0;
  for (let i = 0; i < reference.length; i++) total += reference[i] as number;
  return Array.from(reference, (v) => (total > 0 ? (v / total) * referenceN : 0) + 0.5);
}

/**
 * One reference's no-drift laws (thresholds and p-values at any window size, kept between cycles) and
 * the simulation sizes recently used for it. Distances are measured against the reference itself; the
 * laws are those of its {@link nullShares}, shared by every reference with the same ones.
 */
export class ReferenceLaws {
  readonly #exact: NullReference;
  readonly #law: NullReference;
  readonly #sizes: number[] = [];

  constructor(reference: ArrayLike<number>, options: NullThresholdOptions) {
    this.#exact = new NullReference(reference, options);
    if (options.referenceN !== undefined) {
      this.#law = new NullReference(sampleLaw(reference, options.referenceN), options);
      return;
    }
    const shares = nullShares(reference);
    this.#law = shares === reference ? this.#exact : sharedLaw(shares, options);
  }

  /**
   * The window size the laws are taken at for a window of n: n itself where the large-sample law applies
   * (its cost and cache entries do not depend on n), else a simulation grid size (see `stickyGridSize`).
   */
  size(method: DistanceMethod, n: number): number {
    if (n >= 16 && this.#law.isAsymptotic(method, n)) return n;
    return stickyGridSize(this.#sizes, n);
  }

  /** The distances between the reference and a window's counts, one per method. */
  distances(methods: readonly DistanceMethod[], counts: ArrayLike<number>): number[] {
    return this.#exact.distances(methods, counts);
  }

  threshold(method: DistanceMethod, n: number, alpha: number): number {
    return this.#law.threshold(method, this.size(method, n), alpha);
  }

  pValue(method: DistanceMethod, n: number, observed: number): number {
    return this.#law.pValue(method, this.size(method, n), observed);
  }
}

/** By reference array (profiles keep theirs between cycles), then by the options. */
const byReference = new WeakMap<ArrayLike<number>, Map<string, ReferenceLaws>>();
/** By content, for references rebuilt every cycle with the same values (a pinned period). */
const byContent = new Map<string, ReferenceLaws>();
const CONTENT_KEPT = 1000;

/** Laws on equal shares, by bins with mass and options. */
const equalLaws = new Map<string, NullReference>();

function sharedLaw(shares: ArrayLike<number>, options: NullThresholdOptions): NullReference {
  const key = `${keyOfOptions(options)}|${Array.prototype.join.call(shares, '')}`;
  let law = equalLaws.get(key);
  if (!law) {
    // A few bin layouts in practice; sample references (a new referenceN each cycle) could make more.
    if (equalLaws.size >= CONTENT_KEPT) equalLaws.clear();
    law = new NullReference(shares, options);
    equalLaws.set(key, law);
  }
  return law;
}

function keyOfOptions(options: NullThresholdOptions): string {
  const { referenceN, edges } = options;
  // Skew asks with no options for every feature window: no string to build.
  if (referenceN === undefined && edges === undefined) return '|';
  return `${referenceN ?? ''}|${edges ? edgesKey(edges) : ''}`;
}

/** By edges array: drift passes the same one every cycle (see `finiteEdges`). */
const edgesKeys = new WeakMap<ArrayLike<number>, string>();

function edgesKey(edges: ArrayLike<number>): string {
  let key = edgesKeys.get(edges);
  if (key === undefined) {
    key = Array.prototype.join.call(edges);
    edgesKeys.set(edges, key);
  }
  return key;
}

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
  const optionsKey = keyOfOptions(options);
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
