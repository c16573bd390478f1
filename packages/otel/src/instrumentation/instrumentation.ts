import type { Profile } from '@modelpulse/stats';
import type { TracerProvider } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { resolveConfig } from '../config.js';
import { createModelMonitor } from '../monitor.js';
import type { ModelMonitor, ModelMonitorOptions, Prediction } from '../types.js';
import type {
  ModelDescription,
  ModelPulseInstrumentationConfig,
  OnnxFeeds,
  OnnxInferenceSession,
  OnnxOutputs,
} from './types.js';
import { defaultToFeatures, defaultToPrediction, modelNameFromPath, packageVersion } from './utils.js';

/** Instrumentation scope: the same as `createModelMonitor`'s default, so all modelpulse telemetry shares it. */
export const INSTRUMENTATION_NAME = '@modelpulse/otel';
/** The instrumented module and the versions whose `InferenceSession` API this was written against. */
export const MODULE_NAME = 'onnxruntime-node';
export const SUPPORTED_VERSIONS: readonly string[] = ['>=1.17 <2'];
/** `ml.model.name` when neither the config, the environment nor the session's model path name the model. */
export const DEFAULT_MODEL_NAME = 'onnx';
/** `ml.model.version` when neither the config nor the environment give one. */
export const DEFAULT_MODEL_VERSION = 'unknown';

const NAME = 'ModelPulseInstrumentation';

type Run = (this: unknown, feeds: OnnxFeeds, ...rest: unknown[]) => Promise<OnnxOutputs>;
type Create = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** What the patch reads from `require('onnxruntime-node')` (the CommonJS exports or the ESM namespace). */
interface OnnxModule {
  InferenceSession?: { create?: Create; prototype?: { run?: Run } };
}

/** One monitor per model (name, version), with `run` wrapped by it. */
interface MonitorEntry {
  monitor: ModelMonitor;
  model: { name: string; version: string };
  runs: WeakMap<Run, Run>;
}

/**
 * Auto-instruments `onnxruntime-node`: every `InferenceSession.run(feeds, …)` becomes an
 * `ml.predict <model>` span with `ml.prediction.duration` (with `error.type` on failure) and, when the
 * outputs can be read as one (see {@link ModelPulseInstrumentationConfig.toPrediction}), a prediction
 * recorded by a `createModelMonitor` monitor: `ml.prediction.score`, features, span attributes.
 * Monitors use this instrumentation's meter and tracer, so they follow the providers the SDK (or
 * `registerInstrumentations`) sets on it.
 *
 * Telemetry never breaks inference: the session's result or error reaches the caller unchanged, and
 * anything failing in the recording path is reported with `diag.warn` (and counted in
 * `ml.monitor.dropped` where the monitor sees it).
 *
 * @example
 * // telemetry.mjs, loaded with `node --import ./telemetry.mjs server.js`
 * new NodeSDK({
 *   instrumentations: [new ModelPulseInstrumentation({ model: { name: 'loan-rejection', version: '3' } })],
 * }).start();
 */
export class ModelPulseInstrumentation extends InstrumentationBase<ModelPulseInstrumentationConfig> {
  /** Path each session was created from (filled by the patched `InferenceSession.create`). */
  private readonly _modelPaths = new WeakMap<object, string>();
  /** Session → its monitor entry (null: could not be instrumented, run it plain). */
  private _sessions = new WeakMap<object, MonitorEntry | null>();
  /** `name \0 version` → monitor entry. */
  private _monitors = new Map<string, MonitorEntry>();

  constructor(config: ModelPulseInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, packageVersion(), config);
  }

  /** Validates the config (throws a sentence naming the bad field) and forgets monitors built from the old one. */
  override setConfig(config: ModelPulseInstrumentationConfig = {}): void {
    validateConfig(config);
    super.setConfig(config);
    this._reset();
  }

  /** Monitors hold the tracer they were built with: rebuild them with the new provider's. */
  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    this._reset();
  }

  /** Called when the meter provider changes: monitors hold instruments of the old meter, rebuild them. */
  protected override _updateMetricInstruments(): void {
    this._reset();
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      MODULE_NAME,
      [...SUPPORTED_VERSIONS],
      (moduleExports: OnnxModule) => this._patch(moduleExports),
      (moduleExports: OnnxModule) => this._unpatch(moduleExports),
    );
  }

  private _reset(): void {
    // Assigned, not cleared: the base constructor calls this before the field initialisers have run.
    this._sessions = new WeakMap();
    this._monitors = new Map();
  }

  private _patch(moduleExports: OnnxModule): OnnxModule {
    const session = moduleExports?.InferenceSession;
    const prototype = session?.prototype;
    if (!session || typeof prototype?.run !== 'function') {
      this._diag.warn(`${MODULE_NAME} has no InferenceSession.prototype.run: inference is not instrumented.`);
      return moduleExports;
    }
    try {
      this._wrap(prototype, 'run', (original) => this._patchRun(original as Run));
      if (typeof session.create === 'function') {
        this._wrap(session, 'create', (original) => this._patchCreate(original as Create));
      }
    } catch (error) {
      // Loading the module must never fail because of telemetry.
      this._diag.warn(`${NAME}: could not patch ${MODULE_NAME}:`, error);
    }
    return moduleExports;
  }

  private _unpatch(moduleExports: OnnxModule): void {
    const session = moduleExports?.InferenceSession;
    if (session?.prototype && isWrapped(session.prototype.run)) this._unwrap(session.prototype, 'run');
    if (session && isWrapped(session.create)) this._unwrap(session, 'create');
  }

  /** `InferenceSession.create(path, …)`: remembers the path of the session it resolves to. */
  private _patchCreate(original: Create): Create {
    const paths = this._modelPaths;
    return function create(this: unknown, ...args: unknown[]): Promise<unknown> {
      const result = original.apply(this, args);
      const path = args[0];
      if (typeof path !== 'string' || typeof result?.then !== 'function') return result;
      // The caller gets the chained promise: same value, same rejection, no rejection handled on its behalf.
      return result.then((session) => {
        if (typeof session === 'object' && session !== null) paths.set(session, path);
        return session;
      });
    };
  }

  /** `InferenceSession.prototype.run`: runs through the session's model monitor, or plain if it has none. */
  private _patchRun(original: Run): Run {
    const instrumentation = this;
    return function run(this: unknown, feeds: OnnxFeeds, ...rest: unknown[]): Promise<OnnxOutputs> {
      const traced = instrumentation._tracedRun(this, original);
      return traced ? traced.call(this, feeds, ...rest) : original.call(this, feeds, ...rest);
    };
  }

  private _tracedRun(session: unknown, original: Run): Run | undefined {
    if (typeof session !== 'object' || session === null) return undefined;
    try {
      let entry = this._sessions.get(session);
      if (entry === undefined) {
        entry = this._entryFor(session as OnnxInferenceSession);
        this._sessions.set(session, entry);
      }
      if (entry === null) return undefined;
      let traced = entry.runs.get(original);
      if (!traced) {
        const { model } = entry;
        traced = entry.monitor.wrap(original, {
          toPrediction: (outputs, args) => this._toPrediction(outputs, args[0], model),
        });
        entry.runs.set(original, traced);
      }
      return traced;
    } catch (error) {
      this._diag.warn(`${NAME}: could not instrument InferenceSession.run, running it plain:`, error);
      return undefined;
    }
  }

  /** Resolves the session's model and returns (creating on first use) the monitor for it. */
  private _entryFor(session: OnnxInferenceSession): MonitorEntry | null {
    const config = this.getConfig();
    const modelPath = this._modelPaths.get(session);
    let described: ModelDescription | undefined;
    if (typeof config.model === 'function') {
      try {
        described = config.model(session, modelPath === undefined ? {} : { modelPath });
      } catch (error) {
        this._diag.warn(`${NAME}: config.model threw, using the default model name and version:`, error);
      }
      const problem = describeProblem(described, 'the value config.model returned');
      if (problem) {
        this._diag.warn(`${NAME}: ${problem}; using the default model name and version.`);
        described = undefined;
      }
    } else {
      described = config.model;
    }
    const name =
      described?.name ??
      nonEmpty(process.env.MODELPULSE_MODEL_NAME) ??
      modelNameFromPath(modelPath) ??
      DEFAULT_MODEL_NAME;
    const version =
      described?.version ?? nonEmpty(process.env.MODELPULSE_MODEL_VERSION) ?? DEFAULT_MODEL_VERSION;
    const key = `${name}\0${version}`;
    const existing = this._monitors.get(key);
    if (existing) return existing;
    try {
      const monitor = createModelMonitor(
        monitorOptions({ name, version }, described?.profile ?? config.profile, config, {
          meter: this.meter,
          tracer: this.tracer,
        }),
      );
      const entry: MonitorEntry = { monitor, model: { name, version }, runs: new WeakMap() };
      this._monitors.set(key, entry);
      return entry;
    } catch (error) {
      this._diag.warn(
        `${NAME}: could not create the monitor of model ${JSON.stringify(name)}, not instrumenting it:`,
        error,
      );
      return null;
    }
  }

  /** The configured (or default) `toPrediction`, with features from `toFeatures` when it gave none. */
  private _toPrediction(
    outputs: OnnxOutputs,
    feeds: OnnxFeeds,
    model: { name: string; version: string },
  ): Prediction | undefined {
    const config = this.getConfig();
    const prediction = (config.toPrediction ?? defaultToPrediction)(outputs, feeds, { model });
    if (typeof prediction !== 'object' || prediction === null || prediction.features !== undefined)
      return prediction;
    let features: Readonly<Record<string, unknown>> | undefined;
    try {
      features = (config.toFeatures ?? defaultToFeatures)(feeds);
    } catch (error) {
      this._diag.warn(`${NAME}: config.toFeatures threw; recording the prediction without features:`, error);
    }
    return features === undefined ? prediction : { ...prediction, features };
  }
}

/** `createModelMonitor` options from the instrumentation config, leaving unset fields out. */
function monitorOptions(
  model: { name: string; version: string },
  profile: Profile | undefined,
  config: ModelPulseInstrumentationConfig,
  providers: Pick<ModelMonitorOptions, 'meter' | 'tracer'>,
): ModelMonitorOptions {
  return {
    model,
    ...providers,
    ...(profile === undefined ? {} : { profile }),
    ...(config.holdout === undefined ? {} : { holdout: config.holdout }),
    ...(config.captureFeatures === undefined ? {} : { captureFeatures: config.captureFeatures }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Why a model description is invalid, or undefined when it is fine (undefined itself is fine). */
function describeProblem(described: unknown, what: string): string | undefined {
  if (described === undefined) return undefined;
  if (typeof described !== 'object' || described === null) {
    return `${what} must be an object with name and version, got ${String(described)}`;
  }
  for (const key of ['name', 'version'] as const) {
    const value = (described as ModelDescription)[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      return `${what}.${key} must be a non-empty string, got ${typeof value === 'string' ? '""' : String(value)}`;
    }
  }
  return undefined;
}

/** Throws a `TypeError` naming the first invalid field; the monitor's own checks cover its options. */
function validateConfig(config: ModelPulseInstrumentationConfig): void {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${NAME}: the config must be an object, got ${String(config)}.`);
  }
  if (typeof config.model !== 'function') {
    const problem = describeProblem(config.model, 'config.model');
    if (problem) throw new TypeError(`${NAME}: ${problem}.`);
  }
  for (const key of ['toPrediction', 'toFeatures'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'function') {
      throw new TypeError(`${NAME}: config.${key} must be a function, got ${typeof config[key]}.`);
    }
  }
  const profile =
    typeof config.model === 'object' ? (config.model.profile ?? config.profile) : config.profile;
  try {
    resolveConfig(monitorOptions({ name: 'validation', version: 'validation' }, profile, config, {}));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${NAME}: ${message.replace(/^createModelMonitor: options\./, 'config.')}`);
  }
}
