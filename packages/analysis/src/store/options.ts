import type { StoreOptions } from './types.js';

export const DAY_MS = 86_400_000;

export interface ResolvedOptions {
  path: string;
  /** undefined: take the one the file was created with (60 000 for a new file) */
  bucketMs: number | undefined;
  retentionMs: number;
  spanTtlMs: number;
  exemplarsPerBucket: number;
  synchronous: 'normal' | 'full';
  checkpointIntervalMs: number;
  checkpointBytes: number;
}

export const DEFAULT_BUCKET_MS = 60_000;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`Store option ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/** Fills defaults and refuses nonsense with a sentence-style error. */
export function resolveOptions(options: StoreOptions): ResolvedOptions {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new TypeError('Store option path must be a file path or ":memory:".');
  }
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new RangeError(`Store option synchronous must be 'normal' or 'full', got ${String(synchronous)}.`);
  }
  return {
    path: options.path,
    bucketMs: options.bucketMs === undefined ? undefined : positiveInteger('bucketMs', options.bucketMs, 0),
    retentionMs: positiveInteger('retentionMs', options.retentionMs, 30 * DAY_MS),
    spanTtlMs: positiveInteger('spanTtlMs', options.spanTtlMs, 14 * DAY_MS),
    exemplarsPerBucket: positiveInteger('exemplarsPerBucket', options.exemplarsPerBucket, 5),
    synchronous,
    checkpointIntervalMs: positiveInteger('checkpointIntervalMs', options.checkpointIntervalMs, 30_000),
    checkpointBytes: positiveInteger('checkpointBytes', options.checkpointBytes, 64 * 2 ** 20),
  };
}
