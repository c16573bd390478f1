import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Label, Prediction } from '../types.js';
import type { OnnxFeeds, OnnxOutputs, OnnxTensor } from './types.js';

/** Tolerance on "these values sum to 1" for float32 softmax / probability outputs. */
const PROBABILITY_SUM_TOLERANCE = 1e-3;

const FLOAT_TYPES = new Set(['float32', 'float64']);
const LABEL_TYPES = new Set([
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
]);

/** The version of this package, read from its package.json (two levels up from src/ and from dist/). */
export function packageVersion(): string {
  try {
    const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `/models/loan-rejection.onnx` → `loan-rejection`; undefined when there is no usable name. */
export function modelNameFromPath(path: string | undefined): string | undefined {
  if (typeof path !== 'string') return undefined;
  const name = basename(path).replace(/\.(onnx|ort)$/i, '');
  return name.length > 0 ? name : undefined;
}

/** Whether a value looks like an onnxruntime `Tensor` (type, dims and an array-like data). */
export function isTensor(value: unknown): value is OnnxTensor {
  if (typeof value !== 'object' || value === null) return false;
  const { type, dims, data } = value as Partial<OnnxTensor>;
  return (
    typeof type === 'string' &&
    Array.isArray(dims) &&
    (ArrayBuffer.isView(data) || Array.isArray(data)) &&
    typeof (data as ArrayLike<unknown>).length === 'number'
  );
}

/** Rows of a tensor: its first dimension (a scalar tensor is one row). */
function rowsOf(tensor: OnnxTensor): number | undefined {
  return tensor.dims.length === 0 ? 1 : tensor.dims[0];
}

/** A tensor element as a plain JS value: bigint → number (or its text when not a safe integer). */
function element(value: unknown): Label | undefined {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : String(value);
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return undefined;
}

/** Picks one named entry: the only candidate, else the first whose name matches `preferred`. */
function pick<T>(entries: readonly (readonly [string, T])[], preferred: RegExp): T | undefined {
  if (entries.length === 1) return entries[0]?.[1];
  return entries.find(([name]) => preferred.test(name))?.[1];
}

/**
 * The default `toPrediction` of {@link ModelPulseInstrumentation}. Reads the float output tensor of a
 * one-row run — the only float output, or when there are several the one whose name contains `prob`
 * (as `probabilities` of sklearn-onnx / onnxmltools classifiers exported with `zipmap=False`):
 * - one value (shape `[1]` or `[1, 1]`), a probability in [0, 1] → `{ score }`
 *   (logistic regression, a sigmoid head, a binary classifier's positive-class probability);
 * - two values (`[1, 2]`) summing to 1 → `{ score: p[1] }`, the probability of class 1;
 * - more values summing to 1 → `{ score: { '0': p0, '1': p1, … } }` (renormalised to sum exactly to 1),
 *   whose label defaults to the most probable class index.
 * A one-element integer, string or bool output (the only one, or the one named `label` / `class`)
 * becomes `label`. Anything else — batches of several rows, values outside [0, 1] such as regression
 * outputs or logits, non-tensor outputs — gives undefined: no prediction is recorded, the span and the
 * duration still are.
 */
export function defaultToPrediction(outputs: OnnxOutputs): Prediction | undefined {
  const tensors = Object.entries(outputs).filter((entry): entry is [string, OnnxTensor] =>
    isTensor(entry[1]),
  );
  const scores = pick(
    tensors.filter(([, t]) => FLOAT_TYPES.has(t.type)),
    /prob/i,
  );
  if (!scores || rowsOf(scores) !== 1) return undefined;
  const values = Array.from(scores.data as ArrayLike<number>, Number);
  if (values.length === 0 || !values.every((p) => p >= 0 && p <= 1)) return undefined;

  const [first = 0, second = 0] = values;
  let score: number | Record<string, number> = first;
  if (values.length > 1) {
    const sum = values.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) return undefined;
    score = values.length === 2 ? second : Object.fromEntries(values.map((p, i) => [String(i), p / sum]));
  }
  const labelTensor = pick(
    tensors.filter(
      ([, t]) => LABEL_TYPES.has(t.type) && rowsOf(t) === 1 && (t.data as ArrayLike<unknown>).length === 1,
    ),
    /label|class/i,
  );
  const label = labelTensor ? element((labelTensor.data as ArrayLike<unknown>)[0]) : undefined;
  return label === undefined ? { score } : { score, label };
}

/**
 * The default `toFeatures` of {@link ModelPulseInstrumentation}: every input tensor holding exactly one
 * element, under its input name (numbers, strings, booleans; int64 as numbers). Models with one input
 * per column (sklearn-onnx pipelines over a ColumnTransformer, for instance) get named features for free;
 * a `[1, n]` matrix input carries no names, so it is skipped (map it with your own `toFeatures`).
 */
export function defaultToFeatures(feeds: OnnxFeeds): Record<string, unknown> | undefined {
  let features: Record<string, unknown> | undefined;
  for (const [name, tensor] of Object.entries(feeds)) {
    if (!isTensor(tensor) || (tensor.data as ArrayLike<unknown>).length !== 1) continue;
    const value = element((tensor.data as ArrayLike<unknown>)[0]);
    if (value === undefined) continue;
    features ??= {};
    features[name] = value;
  }
  return features;
}
