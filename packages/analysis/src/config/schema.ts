import { DISTANCE_METHODS } from '@modelpulse/stats';
import { z } from 'zod';
import { DEFAULT_DRIFT_METHODS, type DriftMethod } from '../analyse/drift.js';
import { DEFAULT_WINDOWS } from '../analyse/schedule.js';
import { parseValuePath } from '../monitors/value.js';
import { parseDuration } from './duration.js';

/** Every drift method a config may name: the defaults plus the rest of the stats library's distances. */
export const DRIFT_METHOD_NAMES: readonly DriftMethod[] = [
  ...new Set<DriftMethod>([...DEFAULT_DRIFT_METHODS, ...DISTANCE_METHODS]),
];

/** Writes a value the way the user typed it, for "got …" in messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** A field checked by `test`, reported as "expected <expected>, got <input>". */
function field<T>(test: (v: unknown) => boolean, expected: string) {
  return z.custom<T>(test, {
    error: (issue) =>
      issue.input === undefined ? `required: ${expected}` : `expected ${expected}, got ${show(issue.input)}`,
  });
}

/** A strict object: unknown keys are errors (they are almost always typos), listing the known ones. */
function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field (expected one of ${known})`
        : `expected an object with ${known}, got ${show(issue.input)}`,
  });
}

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (issue) => `expected a list of ${what}, got ${show(issue.input)}` });
}

const isString = (v: unknown): v is string => typeof v === 'string';
const nonEmpty = field<string>((v) => isString(v) && v.trim() !== '', 'a non-empty string');
const duration = field<string>(
  (v) => isString(v) && (parseDuration(v) ?? 0) > 0,
  'a duration such as 1h or 7d',
);
/** A duration that may be zero (`0s`): a `for` or a maturity. */
const durationOrZero = field<string>(
  (v) => isString(v) && parseDuration(v) !== undefined,
  'a duration such as 15m or 7d (0s for none)',
);
const probability = field<number>(
  (v) => typeof v === 'number' && v > 0 && v < 1,
  'a number between 0 and 1 (exclusive)',
);
const positiveNumber = field<number>(
  (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  'a positive number',
);
const finiteNumber = field<number>((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const port = field<number>(
  (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535,
  'a port number (0–65535)',
);
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const isoDate = field<string>(
  (v) => isString(v) && ISO.test(v) && Number.isFinite(Date.parse(v)),
  'an ISO 8601 date or date-time such as 2026-01-01T00:00:00Z',
);
const driftMethod = field<DriftMethod>(
  (v) => isString(v) && (DRIFT_METHOD_NAMES as readonly string[]).includes(v),
  `a drift method (${DRIFT_METHOD_NAMES.join(', ')})`,
);
const REFERENCE_KEYWORDS = ['profile', 'previous-window'] as const;
const reference = z.union(
  [
    field<(typeof REFERENCE_KEYWORDS)[number]>(
      (v) => (REFERENCE_KEYWORDS as readonly unknown[]).includes(v),
      'profile or previous-window',
    ),
    strict({ from: isoDate, to: isoDate }).superRefine((r, ctx) => {
      if (Date.parse(r.from) >= Date.parse(r.to))
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must be after from (${r.from}), got ${r.to}`,
        });
    }),
  ],
  {
    error: (issue) =>
      `expected profile, previous-window or { from: <ISO date>, to: <ISO date> }, got ${show(issue.input)}`,
  },
);

const monitor = strict({
  name: nonEmpty,
  description: z.string({ error: (i) => `expected a string, got ${show(i.input)}` }).optional(),
  value: nonEmpty.superRefine((value, ctx) => {
    const parsed = parseValuePath(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
  window: nonEmpty,
  above: finiteNumber.optional(),
  below: finiteNumber.optional(),
  for: durationOrZero.default('0s'),
  severity: field<'warning' | 'critical'>((v) => v === 'warning' || v === 'critical', 'warning or critical')
    .optional()
    .default('warning'),
}).superRefine((m, ctx) => {
  if ((m.above === undefined) === (m.below === undefined))
    ctx.addIssue({ code: 'custom', message: 'give exactly one of above / below' });
});

const drift = strict({
  methods: list(driftMethod, 'drift methods')
    .min(1, { error: 'expected at least one drift method' })
    .default([...DEFAULT_DRIFT_METHODS]),
  alpha: probability.optional(),
  threshold: positiveNumber.optional(),
}).superRefine((d, ctx) => {
  if (d.alpha !== undefined && d.threshold !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'give alpha (calibrated thresholds) or threshold (fixed), not both',
    });
  d.methods.forEach((m, i) => {
    if (d.methods.indexOf(m) !== i)
      ctx.addIssue({
        code: 'custom',
        path: ['methods', i],
        message: `duplicate drift method ${JSON.stringify(m)}`,
      });
  });
});

const model = strict({
  profile: nonEmpty.optional(),
  positive: nonEmpty.optional(),
  windows: list(duration, 'durations such as 1h or 7d')
    .min(1, { error: 'expected at least one window' })
    .default(DEFAULT_WINDOWS.map((w) => w.name)),
  reference: reference.optional(),
  drift: drift.prefault({}),
  skew: strict({ alpha: probability.default(0.01) }).prefault({}),
  holdout: strict({ maturity: durationOrZero.default('0s') }).prefault({}),
  monitors: list(monitor, 'monitors').default([]),
}).superRefine((m, ctx) => {
  m.windows.forEach((w, i) => {
    if (m.windows.indexOf(w) !== i)
      ctx.addIssue({
        code: 'custom',
        path: ['windows', i],
        message: `duplicate window ${JSON.stringify(w)}`,
      });
  });
  if (m.reference === 'profile' && m.profile === undefined)
    ctx.addIssue({ code: 'custom', path: ['reference'], message: 'reference profile needs a profile file' });
  const names = new Set<string>();
  m.monitors.forEach((spec, i) => {
    if (names.has(spec.name))
      ctx.addIssue({
        code: 'custom',
        path: ['monitors', i, 'name'],
        message: `duplicate monitor name ${JSON.stringify(spec.name)}`,
      });
    names.add(spec.name);
    if (!m.windows.includes(spec.window))
      ctx.addIssue({
        code: 'custom',
        path: ['monitors', i, 'window'],
        message: `expected one of the model's windows (${m.windows.join(', ')}), got ${JSON.stringify(spec.window)}`,
      });
    const value = parseValuePath(spec.value);
    if (
      typeof value !== 'string' &&
      value.kind === 'drift' &&
      !m.drift.methods.includes(value.method as DriftMethod)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['monitors', i, 'value'],
        message: `drift method ${JSON.stringify(value.method)} is not computed for this model (drift.methods: ${m.drift.methods.join(', ')})`,
      });
  });
});

export const configSchema = strict({
  server: strict({
    port: port.default(4318),
    host: nonEmpty.default('127.0.0.1'),
    db: nonEmpty.default('./.modelpulse/modelpulse.db'),
    retention: duration.default('30d'),
    analysisInterval: duration.default('1m'),
  }).prefault({}),
  models: z
    .record(
      z.string().refine((k) => k.trim() !== '', { error: 'model names must not be empty' }),
      model,
      { error: (issue) => `expected a map of model name → settings, got ${show(issue.input)}` },
    )
    .default({}),
});

/** The config file as written, with the schema's defaults filled in. */
export type ConfigFile = z.output<typeof configSchema>;
export type ModelConfigFile = ConfigFile['models'][string];
