/**
 * Pure delta logic for cumulative streams (no SQLite): what a new cumulative point adds to the store, given
 * the last point applied for its stream.
 *
 * - first point of a stream: its full value (its interval is [start, time]);
 * - same start, later time, nothing decreased: current − last;
 * - same start, later time, something decreased (histogram count or any bucket; counter value): a reset
 *   the exporter did not announce: the full current value;
 * - a later start time: a reset (restarted process): the full current value;
 * - same start, time ≤ last time: a retried or out-of-order duplicate: nothing;
 * - an earlier start time than the last: a stale point of a previous life of the stream: nothing.
 * The store keeps one state per (series, start time), so the last two cases only arise when a caller keeps
 * one state per series. For histograms the store applies these rules in place (stream.ts, tested against
 * `histogramStep`).
 */

export type Step = 'first' | 'increase' | 'reset' | 'duplicate' | 'stale';

export interface HistogramSample {
  startNs: bigint;
  timeNs: bigint;
  count: number;
  /** absent sums count as 0 */
  sum: number;
  counts: readonly number[];
}

export interface HistogramState {
  startNs: bigint;
  timeNs: bigint;
  count: number;
  sum: number;
  counts: number[];
}

export interface HistogramDelta {
  count: number;
  sum: number;
  counts: number[];
}

export interface CounterState {
  startNs: bigint;
  timeNs: bigint;
  value: number;
}

export type CounterSample = CounterState;

export interface StepResult<D, S> {
  step: Step;
  /** what to add to the point's time bucket; null for duplicate and stale points */
  delta: D | null;
  /** the stream's state after the point */
  next: S;
}

function sameOrEarlier<S extends { startNs: bigint; timeNs: bigint }>(
  last: S,
  point: { startNs: bigint; timeNs: bigint },
): Step | undefined {
  if (point.startNs < last.startNs) return 'stale';
  if (point.startNs === last.startNs && point.timeNs <= last.timeNs) return 'duplicate';
  return undefined;
}

export function histogramStep(
  last: HistogramState | undefined,
  point: HistogramSample,
): StepResult<HistogramDelta, HistogramState> {
  if (last !== undefined) {
    const skip = sameOrEarlier(last, point);
    if (skip) return { step: skip, delta: null, next: last };
  }
  // Plain arrays of doubles, not Float64Array: small typed arrays are slow to allocate.
  const counts = point.counts.slice();
  const n = counts.length;
  const next: HistogramState = {
    startNs: point.startNs,
    timeNs: point.timeNs,
    count: point.count,
    sum: point.sum,
    counts,
  };
  const full: HistogramDelta = { count: point.count, sum: point.sum, counts };
  if (last === undefined) return { step: 'first', delta: full, next };
  if (point.startNs !== last.startNs || point.count < last.count || n !== last.counts.length) {
    return { step: 'reset', delta: full, next };
  }
  const diff = counts.slice();
  const before = last.counts;
  for (let i = 0; i < n; i++) {
    const d = (counts[i] as number) - (before[i] as number);
    if (d < 0) return { step: 'reset', delta: full, next };
    diff[i] = d;
  }
  // A histogram's sum may go down (negative measurements); only counts signal a reset.
  return {
    step: 'increase',
    delta: { count: point.count - last.count, sum: point.sum - last.sum, counts: diff },
    next,
  };
}

export function counterStep(
  last: CounterState | undefined,
  point: CounterSample,
): StepResult<number, CounterState> {
  const next: CounterState = { startNs: point.startNs, timeNs: point.timeNs, value: point.value };
  if (last === undefined) return { step: 'first', delta: point.value, next };
  const skip = sameOrEarlier(last, point);
  if (skip) return { step: skip, delta: null, next: last };
  if (point.startNs !== last.startNs || point.value < last.value)
    return { step: 'reset', delta: point.value, next };
  return { step: 'increase', delta: point.value - last.value, next };
}
