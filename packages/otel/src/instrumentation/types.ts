import type { Profile } from '@modelpulse/stats';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { Prediction } from '../types.js';

/**
 * The parts of an `onnxruntime-node` `Tensor` the instrumentation reads. Declared structurally so the
 * published types do not depend on `onnxruntime-node` (it stays an optional, user-installed module).
 */
export interface OnnxTensor {
  /** Element type: `'float32'`, `'float64'`, `'int64'`, `'string'`, `'bool'`, … */
  readonly type: string;
  /** Shape; the first dimension is the batch (rows) for the usual `[batch, …]` layout. */
  readonly dims: readonly number[];
  /** Elements in row-major order: a typed array (`BigInt64Array` for int64) or `string[]`. */
  readonly data: unknown;
}

/** `InferenceSession.run`'s `feeds`: input name → tensor. */
export type OnnxFeeds = Readonly<Record<string, OnnxTensor>>;
/** What `InferenceSession.run` resolves to: output name → tensor. */
export type OnnxOutputs = Readonly<Record<string, OnnxTensor>>;

/** The parts of an `onnxruntime-node` `InferenceSession` a model resolver may read. */
export interface OnnxInferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/** Which model a session runs. Missing fields fall back to the defaults of {@link ModelPulseInstrumentationConfig.model}. */
export interface ModelDescription {
  /** `ml.model.name`. */
  name?: string;
  /** `ml.model.version`. */
  version?: string;
  /** Baseline profile of this model's training data; default {@link ModelPulseInstrumentationConfig.profile}. */
  profile?: Profile;
}

/** What a model resolver is told about a session besides the session itself. */
export interface SessionInfo {
  /** The path the session was created from (`InferenceSession.create(path)`); undefined for buffers. */
  modelPath?: string;
}

/**
 * Names the model of a session; called once per session, on its first `run`. Returning undefined (or
 * leaving fields out) keeps the defaults; throwing is caught and reported with `diag.warn`.
 */
export type ModelResolver = (
  session: OnnxInferenceSession,
  info: SessionInfo,
) => ModelDescription | undefined;

/** What `toPrediction` is told besides the outputs and feeds. */
export interface RunInfo {
  /** The model the run was recorded for. */
  model: { name: string; version: string };
}

/**
 * Turns a run's outputs (and feeds) into the prediction to record, or undefined to record none (the
 * `ml.predict` span and `ml.prediction.duration` are recorded either way).
 */
export type OnnxToPrediction = (
  outputs: OnnxOutputs,
  feeds: OnnxFeeds,
  info: RunInfo,
) => Prediction | undefined;

/** Turns a run's feeds into named feature values (numbers, strings, booleans; missing as null / NaN). */
export type OnnxToFeatures = (feeds: OnnxFeeds) => Readonly<Record<string, unknown>> | undefined;

/**
 * Configuration of {@link ModelPulseInstrumentation}. Every field is optional. Invalid values throw at
 * construction (or `setConfig`) with a sentence naming the field; the functions are only called while
 * recording, where nothing they do can break the inference call.
 */
export interface ModelPulseInstrumentationConfig extends InstrumentationConfig {
  /**
   * Which model each session runs: a fixed `{ name, version }` for every session, or a resolver
   * `(session, { modelPath }) => { name, version, profile }` called once per session.
   *
   * Defaults, per field left unset:
   * - name: env `MODELPULSE_MODEL_NAME`, else the file name of the session's model without its
   *   extension (`/models/loan-rejection.onnx` → `loan-rejection`) when the session was created from a
   *   path, else `onnx`;
   * - version: env `MODELPULSE_MODEL_VERSION`, else `unknown`.
   */
  model?: ModelDescription | ModelResolver;
  /**
   * Baseline profile passed to `createModelMonitor` (for every model; a resolver can give each model
   * its own). Default none: numeric features are then recorded raw as `ml.feature.value`.
   */
  profile?: Profile;
  /** Holdout slice passed to `createModelMonitor`. Default off. Only predictions with an `id` can be in it. */
  holdout?: { rate: number; salt: string };
  /**
   * Feature names whose raw values may go on the `ml.predict` span, passed to `createModelMonitor`.
   * Default none; env override `MODELPULSE_CAPTURE_FEATURES` (comma-separated) when unset.
   */
  captureFeatures?: readonly string[];
  /**
   * Turns a run's outputs into the prediction to record. Default {@link defaultToPrediction}: the single
   * float output (or the one whose name contains `prob`) of a one-row run, read as
   * - one value (shape `[1]`, `[1, 1]`) in [0, 1] → `score`;
   * - two probabilities (`[1, 2]`) → `score` = probability of class 1;
   * - more probabilities summing to 1 → class index → probability map (label: the most probable index);
   * plus `label` from a one-element integer / string / bool output (preferring a name with `label` or
   * `class`). Anything else (batches of several rows, raw regression values, logits) records no
   * prediction. A throwing `toPrediction` is counted in `ml.monitor.dropped` (reason `internal_error`).
   */
  toPrediction?: OnnxToPrediction;
  /**
   * Named feature values of a run, added to the prediction when `toPrediction` gave none. Default
   * {@link defaultToFeatures}: every input holding exactly one element, under its input name (models with
   * one input column per feature); a `[1, n]` matrix input has no feature names, so map it here.
   */
  toFeatures?: OnnxToFeatures;
}
