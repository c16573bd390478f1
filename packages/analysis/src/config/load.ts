import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { type Profile, validateProfile } from '@modelpulse/stats';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { ModelSettings, ReferenceSetting } from '../analyse/cycle.js';
import type { DriftMethod } from '../analyse/drift.js';
import type { MonitorSpec } from '../monitors/types.js';
import { parseValuePath } from '../monitors/value.js';
import type { ServerOptions } from '../server.js';
import { parseDuration } from './duration.js';
import { type ConfigFile, configSchema, type ModelConfigFile } from './schema.js';

/**
 * A configuration file that cannot be used. The message is one paragraph naming the file and every bad
 * field by its path, e.g. `modelpulse.config.yaml: models.loan-rejection.windows[1]: expected a duration
 * such as 1h or 7d, got "yesterday"; models.loan-rejection.monitors[0]: give exactly one of above / below`.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly { path: string; message: string }[],
  ) {
    super(`${file}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`);
  }
}

export interface ResolvedMonitor extends MonitorSpec {
  for: string;
  /** `for` in milliseconds */
  forMs: number;
  severity: 'warning' | 'critical';
}

export interface ResolvedModelConfig {
  /** absolute path of the baseline profile, resolved against the config file's directory */
  profilePath?: string;
  profile?: Profile;
  positive?: string;
  windows: { name: string; ms: number }[];
  reference: ReferenceSetting;
  drift: { methods: DriftMethod[] } & ({ alpha: number } | { threshold: number });
  skew: { alpha: number };
  holdout: { maturityMs: number };
  monitors: ResolvedMonitor[];
}

/** A loaded, validated configuration: durations in ms, paths absolute, profiles read and validated. */
export interface ResolvedConfig {
  /** the file it came from, as given to `loadConfig` */
  file: string;
  server: { port: number; host: string; dbPath: string; retentionMs: number; analysisIntervalMs: number };
  models: Record<string, ResolvedModelConfig>;
}

/**
 * Reads a `modelpulse.config.yaml` (or `.json`: parsed by extension, anything else as YAML), validates it,
 * loads and validates every model's baseline profile (relative paths are relative to the config file) and
 * converts durations to milliseconds. Throws a {@link ConfigError} listing every problem found.
 */
export function loadConfig(path: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      { path: '', message: `cannot read the file (${(error as Error).message})` },
    ]);
  }
  return parseConfig(text, path);
}

/** {@link loadConfig} on text already read; `path` picks the format and anchors relative paths. */
export function parseConfig(text: string, path: string): ResolvedConfig {
  const json = extname(path).toLowerCase() === '.json';
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw new ConfigError(path, [{ path: '', message: `not valid ${json ? 'JSON' : 'YAML'}: ${message}` }]);
  }
  const parsed = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) throw new ConfigError(path, describeIssues(parsed.error.issues));
  return resolveConfig(parsed.data, path);
}

/** What `startServer` takes, from a loaded configuration. */
export function configToServerOptions(
  config: ResolvedConfig,
): Required<
  Pick<ServerOptions, 'port' | 'host' | 'dbPath' | 'retentionMs' | 'analysisIntervalMs' | 'models'>
> {
  const { port, host, dbPath, retentionMs, analysisIntervalMs } = config.server;
  const models: Record<string, ModelSettings> = {};
  for (const [name, m] of Object.entries(config.models)) {
    models[name] = {
      ...(m.profile ? { profile: m.profile } : {}),
      ...(m.positive === undefined ? {} : { positive: m.positive }),
      // `alpha` is also the level of the skew tests and holdout intervals: the drift α when drift is
      // calibrated, else the skew α.
      alpha: 'alpha' in m.drift ? m.drift.alpha : m.skew.alpha,
      driftMethods: m.drift.methods,
      ...('threshold' in m.drift ? { driftThreshold: m.drift.threshold } : {}),
      skewAlpha: m.skew.alpha,
      windows: m.windows,
      reference: m.reference,
      holdoutMaturityMs: m.holdout.maturityMs,
      monitors: m.monitors,
    };
  }
  return { port, host, dbPath, retentionMs, analysisIntervalMs, models };
}

function resolveConfig(file: ConfigFile, path: string): ResolvedConfig {
  const base = dirname(resolve(path));
  const problems: { path: string; message: string }[] = [];
  const models: Record<string, ResolvedModelConfig> = {};
  for (const [name, m] of Object.entries(file.models)) {
    const at = `models.${name}`;
    const profilePath = m.profile === undefined ? undefined : resolve(base, m.profile);
    const profile =
      profilePath === undefined ? undefined : readProfile(profilePath, `${at}.profile`, problems);
    if (profile) checkAgainstProfile(m, profile, at, problems);
    models[name] = resolveModel(m, profilePath, profile);
  }
  if (problems.length > 0) throw new ConfigError(path, problems);
  const { server } = file;
  return {
    file: path,
    server: {
      port: server.port,
      host: server.host,
      dbPath: server.db === ':memory:' ? server.db : resolve(base, server.db),
      retentionMs: ms(server.retention),
      analysisIntervalMs: ms(server.analysisInterval),
    },
    models,
  };
}

function resolveModel(m: ModelConfigFile, profilePath?: string, profile?: Profile): ResolvedModelConfig {
  const reference: ReferenceSetting =
    m.reference === undefined
      ? { kind: m.profile === undefined ? 'previous-window' : 'profile' }
      : typeof m.reference === 'string'
        ? { kind: m.reference }
        : {
            kind: 'pinned',
            from: m.reference.from,
            to: m.reference.to,
            fromMs: Date.parse(m.reference.from),
            toMs: Date.parse(m.reference.to),
          };
  const { methods, alpha, threshold } = m.drift;
  return {
    ...(profilePath === undefined ? {} : { profilePath }),
    ...(profile === undefined ? {} : { profile }),
    ...(m.positive === undefined ? {} : { positive: m.positive }),
    windows: m.windows.map((name) => ({ name, ms: ms(name) })),
    reference,
    drift: threshold === undefined ? { methods, alpha: alpha ?? 0.01 } : { methods, threshold },
    skew: { alpha: m.skew.alpha },
    holdout: { maturityMs: ms(m.holdout.maturity) },
    monitors: m.monitors.map((spec) => ({
      name: spec.name,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      value: spec.value,
      window: spec.window,
      ...(spec.above === undefined ? {} : { above: spec.above }),
      ...(spec.below === undefined ? {} : { below: spec.below }),
      for: spec.for,
      forMs: ms(spec.for),
      severity: spec.severity,
    })),
  };
}

function readProfile(
  file: string,
  at: string,
  problems: { path: string; message: string }[],
): Profile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push({ path: at, message: `cannot read ${file} (${(error as Error).message})` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push({ path: at, message: `${file} is not JSON (${(error as Error).message})` });
    return undefined;
  }
  try {
    return validateProfile(json);
  } catch (error) {
    problems.push({
      path: at,
      message: `${file} is not a valid profile: ${(error as Error).message.replace(/\.$/, '')}`,
    });
    return undefined;
  }
}

/** `positive` must be one of the profile's labels, and a `skew.<feature>.…` monitor name one of its features. */
function checkAgainstProfile(
  m: ModelConfigFile,
  profile: Profile,
  at: string,
  problems: { path: string; message: string }[],
): void {
  const classes = Object.keys(profile.label?.classes ?? {});
  if (m.positive !== undefined && classes.length > 0 && !classes.includes(m.positive)) {
    problems.push({
      path: `${at}.positive`,
      message: `label ${JSON.stringify(m.positive)} is not among the profile's labels (${classes.join(', ')})`,
    });
  }
  m.monitors.forEach((spec, i) => {
    const value = parseValuePath(spec.value);
    if (typeof value !== 'string' && value.kind === 'skew' && !(value.feature in profile.features)) {
      problems.push({
        path: `${at}.monitors[${i}].value`,
        message: `feature ${JSON.stringify(value.feature)} is not in the profile (${Object.keys(profile.features).join(', ')})`,
      });
    }
  });
}

/** Durations have been validated by the schema. */
function ms(text: string): number {
  return parseDuration(text) as number;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One problem per bad field; a union is described by the branch the input was meant for. */
function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: issue.message });
    } else if (issue.code === 'invalid_union') {
      // A branch whose every issue lies inside the value matched its type: report its field problems.
      const inner = issue.errors.find(
        (branch) =>
          branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
      );
      if (inner) out.push(...describeIssues(inner, path));
      else out.push({ path: formatPath(path), message: issue.message });
    } else out.push({ path: formatPath(path), message: issue.message });
  }
  return out;
}
