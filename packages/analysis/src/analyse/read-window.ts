import type { AttributeMap, HistogramAggregate, SeriesQuery, Store } from '../store/index.js';

/** One model version's window in the store. */
export interface WindowScope {
  store: Store;
  model: string;
  version: string;
  fromMs: number;
  toMs: number;
  /** For a window before now that moves with the current one: the current one's end (see the store). */
  movesWithMs?: number;
}

export function histograms(scope: WindowScope, instrument: string): HistogramAggregate[] {
  return scope.store.histograms(queryOf(scope, instrument));
}

export function counters(
  scope: WindowScope,
  instrument: string,
): { attributes: AttributeMap; value: number }[] {
  return scope.store.counters(queryOf(scope, instrument));
}

/** The store query of a window: rolling, since the analysis asks for it again as it moves. */
function queryOf(scope: WindowScope, instrument: string): SeriesQuery {
  return {
    model: scope.model,
    version: scope.version,
    instrument,
    fromMs: scope.fromMs,
    toMs: scope.toMs,
    rolling: true,
    ...(scope.movesWithMs === undefined ? {} : { movesWithMs: scope.movesWithMs }),
  };
}

/**
 * Sums histogram series (e.g. every label and holdout flag of `ml.prediction.score`) into one, grouped by
 * the value of `groupBy` when given. Series with other bucket bounds than the first are left out and
 * counted, since their buckets cannot be added.
 */
export function sumHistograms(
  series: readonly HistogramAggregate[],
  groupBy?: string,
): {
  groups: Map<string, { count: number; sum: number; bounds: number[]; counts: number[] }>;
  skipped: number;
} {
  const groups = new Map<string, { count: number; sum: number; bounds: number[]; counts: number[] }>();
  let skipped = 0;
  let bounds: number[] | undefined;
  for (const s of series) {
    if (s.counts.length === 0) continue;
    bounds ??= s.bounds;
    if (!sameBounds(s.bounds, bounds)) {
      skipped++;
      continue;
    }
    const key = groupBy === undefined ? '' : String(s.attributes[groupBy] ?? '');
    let g = groups.get(key);
    if (!g) {
      g = { count: 0, sum: 0, bounds, counts: new Array<number>(s.counts.length).fill(0) };
      groups.set(key, g);
    }
    g.count += s.count;
    g.sum += s.sum;
    const into = g.counts;
    for (let i = 0; i < s.counts.length; i++) into[i] = (into[i] as number) + (s.counts[i] as number);
  }
  return { groups, skipped };
}

/** Equal bounds; series of one instrument usually share the array itself. */
export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
