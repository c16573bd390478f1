import { type Profile, UNIT_BOUNDARIES, validateProfile } from '@modelpulse/stats';
import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import type { ModelMonitorOptions } from './types.js';

const SCOPE = '@modelpulse/otel';
const FN = 'createModelMonitor';

/** Semantic-convention style latency buckets, extended below 5 ms because inference is often that fast. */
export const DEFAULT_DURATION_BOUNDARIES: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export interface MonitorConfig {
  model: { name: string; version: string };
  profile: Profile | undefined;
  holdout: { rate: number; salt: string } | undefined;
  meter: Meter;
  tracer: Tracer;
  capture: ReadonlySet<string>;
  scoreBoundaries: number[];
  durationBoundaries: number[];
  limits: { labels: number; categories: number; features: number; heuristics: number };
}

/** Checks every option and fills in defaults; throws a sentence naming the bad field. */
export function resolveConfig(
  options: ModelMonitorOptions,
  env: NodeJS.ProcessEnv = process.env,
): MonitorConfig {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object', options);
  const { model } = options;
  if (typeof model !== 'object' || model === null)
    fail('options.model', 'must be an object with name and version', model);
  for (const key of ['name', 'version'] as const) {
    if (typeof model[key] !== 'string' || model[key].length === 0) {
      fail(`options.model.${key}`, 'must be a non-empty string', model[key]);
    }
  }
  let profile: Profile | undefined;
  if (options.profile !== undefined) {
    try {
      profile = validateProfile(options.profile);
    } catch (error) {
      throw new TypeError(
        `${FN}: options.profile is not a valid baseline profile: ${(error as Error).message}`,
      );
    }
  }
  let holdout: MonitorConfig['holdout'];
  if (options.holdout !== undefined) {
    if (typeof options.holdout !== 'object' || options.holdout === null)
      fail('options.holdout', 'must be an object with rate and salt', options.holdout);
    const { rate, salt } = options.holdout;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      fail('options.holdout.rate', 'must be a number between 0 and 1', rate);
    }
    if (typeof salt !== 'string') fail('options.holdout.salt', 'must be a string', salt);
    holdout = { rate, salt };
  }
  const captureFeatures =
    options.captureFeatures ??
    (env.MODELPULSE_CAPTURE_FEATURES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(captureFeatures) || captureFeatures.some((f) => typeof f !== 'string')) {
    fail('options.captureFeatures', 'must be an array of feature names', captureFeatures);
  }
  if (options.limits !== undefined && (typeof options.limits !== 'object' || options.limits === null))
    fail('options.limits', 'must be an object', options.limits);
  const limits = { labels: 20, categories: 50, features: 200, heuristics: 50 };
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (!(key in limits))
      fail(`options.limits.${key}`, `is not a limit (${Object.keys(limits).join(', ')})`, value);
    if (value === undefined) continue; // the default
    if (!Number.isInteger(value) || value < 1)
      fail(`options.limits.${key}`, 'must be a whole number ≥ 1', value);
    limits[key as keyof typeof limits] = value;
  }
  for (const [key, api] of [
    ['meter', 'createHistogram'],
    ['tracer', 'startSpan'],
  ] as const) {
    const given = options[key] as Record<string, unknown> | undefined;
    if (given !== undefined && typeof given?.[api] !== 'function')
      fail(
        `options.${key}`,
        `must be an OpenTelemetry ${key === 'meter' ? 'Meter' : 'Tracer'} (it has no ${api})`,
        given,
      );
  }
  return {
    model: { name: model.name, version: model.version },
    profile,
    holdout,
    meter: options.meter ?? metrics.getMeter(SCOPE),
    tracer: options.tracer ?? trace.getTracer(SCOPE),
    capture: new Set(captureFeatures),
    scoreBoundaries: boundaries(
      'options.scoreBoundaries',
      // The profile's own score buckets, so that drift compares like with like.
      options.scoreBoundaries ?? profile?.score?.boundaries ?? UNIT_BOUNDARIES,
    ),
    durationBoundaries: boundaries(
      'options.durationBoundaries',
      options.durationBoundaries ?? DEFAULT_DURATION_BOUNDARIES,
    ),
    limits,
  };
}

function boundaries(path: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) fail(path, 'must be a non-empty array of numbers', value);
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}[${i}]`, 'must be a finite number', v);
    if (i > 0 && v <= value[i - 1])
      fail(
        path,
        `must be strictly increasing, but entry ${i} (${v}) is not above entry ${i - 1} (${value[i - 1]})`,
        value,
      );
  });
  return [...value];
}

function fail(path: string, rule: string, got: unknown): never {
  const shown =
    typeof got === 'string' ? JSON.stringify(got) : Array.isArray(got) ? `[${got.join(', ')}]` : String(got);
  throw new TypeError(`${FN}: ${path} ${rule}, got ${shown}.`);
}
