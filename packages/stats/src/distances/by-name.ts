import { d1 } from './d1.js';
import { hellinger } from './hellinger.js';
import { jensenShannon } from './jensen-shannon.js';
import { klDivergence } from './kl-divergence.js';
import { ksBinned } from './ks-binned.js';
import { lInfinity } from './l-infinity.js';
import { psi } from './psi.js';
import { totalVariation } from './total-variation.js';
import { wassersteinBinned } from './wasserstein-binned.js';

/** The histogram distances that can be named in configuration and calibrated by `nullThreshold`. */
export const DISTANCE_METHODS = [
  'd1',
  'totalVariation',
  'psi',
  'jensenShannon',
  'jensenShannonDivergence',
  'hellinger',
  'klDivergence',
  'lInfinity',
  'ksBinned',
  'wassersteinBinned',
] as const;

export type DistanceMethod = (typeof DISTANCE_METHODS)[number];

/**
 * The distance called `method`, as a function of (reference, current) counts. `jensenShannon` is the
 * distance and `jensenShannonDivergence` the base-2 divergence; `klDivergence` is D(current ‖ reference);
 * `wassersteinBinned` needs the bin edges.
 *
 * @example
 * distanceByName('totalVariation')([50, 50], [80, 20]); // 0.3
 */
export function distanceByName(
  method: DistanceMethod,
  edges?: ArrayLike<number>,
): (reference: ArrayLike<number>, current: ArrayLike<number>) => number {
  switch (method) {
    case 'd1':
      return d1;
    case 'totalVariation':
      return totalVariation;
    case 'psi':
      return (r, c) => psi(r, c);
    case 'jensenShannon':
      return (r, c) => jensenShannon(r, c).distance;
    case 'jensenShannonDivergence':
      return (r, c) => jensenShannon(r, c).divergence;
    case 'hellinger':
      return hellinger;
    case 'klDivergence':
      return (r, c) => klDivergence(c, r);
    case 'lInfinity':
      return lInfinity;
    case 'ksBinned':
      return ksBinned;
    case 'wassersteinBinned': {
      if (edges === undefined) throw new TypeError(`distance 'wassersteinBinned' needs the bin edges.`);
      return (r, c) => wassersteinBinned(r, c, edges);
    }
    default:
      throw new RangeError(
        `Unknown distance method ${JSON.stringify(method)}; expected one of ${DISTANCE_METHODS.join(', ')}.`,
      );
  }
}
