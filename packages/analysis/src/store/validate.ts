import type { HistogramPoint, NumberPoint } from '../receive/model.js';

/** Largest time SQLite's signed 64-bit INTEGER holds (year 2262). */
const MAX_NANOS = 0x7fff_ffff_ffff_ffffn;

function timeProblem(start: bigint, time: bigint): string | undefined {
  if (time <= 0n) return 'time_unix_nano is missing';
  if (time > MAX_NANOS) return `time_unix_nano ${time} is out of range`;
  if (start < 0n) return `start_time_unix_nano ${start} is negative`;
  if (start > time) return `start_time_unix_nano ${start} is after time_unix_nano ${time}`;
  return undefined;
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * Why a histogram point cannot be used, or undefined when it is valid. `boundsChecked`: its bounds are an
 * array that passed before (decoders share one array between points with equal bounds).
 */
export function histogramProblem(point: HistogramPoint, boundsChecked = false): string | undefined {
  const time = timeProblem(point.startTimeUnixNano, point.timeUnixNano);
  if (time) return time;
  if (!isCount(point.count)) return `count must be a non-negative integer, got ${point.count}`;
  if (point.sum !== undefined && !Number.isFinite(point.sum)) return `sum must be finite, got ${point.sum}`;
  const { bounds, counts } = point;
  if (counts.length === 0) {
    // OTLP allows a histogram without buckets (count and sum only), but then without bounds too.
    return bounds.length === 0 ? undefined : `no bucket counts for ${bounds.length} bounds`;
  }
  if (counts.length !== bounds.length + 1) {
    return `${counts.length} bucket counts do not fit ${bounds.length} bounds (expected ${bounds.length + 1})`;
  }
  for (let i = 0; i < bounds.length && !boundsChecked; i++) {
    const b = bounds[i] as number;
    if (!Number.isFinite(b)) return `explicit bound ${b} is not finite`;
    if (i > 0 && !(b > (bounds[i - 1] as number))) return 'explicit bounds are not strictly increasing';
  }
  let total = 0;
  for (const c of counts) {
    if (!isCount(c)) return `bucket count must be a non-negative integer, got ${c}`;
    total += c;
  }
  if (total !== point.count) return `count ${point.count} is not the sum of the bucket counts (${total})`;
  return undefined;
}

/** Why a point of a monotonic sum (counter) cannot be used, or undefined when it is valid. */
export function counterProblem(point: NumberPoint): string | undefined {
  const time = timeProblem(point.startTimeUnixNano, point.timeUnixNano);
  if (time) return time;
  if (!Number.isFinite(point.value)) return `value must be a finite number, got ${point.value}`;
  if (point.value < 0) return `a monotonic sum cannot be negative, got ${point.value}`;
  return undefined;
}
