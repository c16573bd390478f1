import { type Attributes, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { BoundedValues } from './bounded.js';
import { resolveConfig } from './config.js';
import { Drops } from './drops.js';
import { FeatureRecorder } from './features.js';
import { holdoutPosition } from './holdout.js';
import { createInstruments } from './instruments.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_ML_HEURISTIC_NAME,
  ATTR_ML_HOLDOUT,
  ATTR_ML_INPUT_PREFIX,
  ATTR_ML_MODEL_NAME,
  ATTR_ML_MODEL_VERSION,
  ATTR_ML_OUTCOME_LABEL,
  ATTR_ML_PREDICTION_ID,
  ATTR_ML_PREDICTION_LABEL,
  ATTR_ML_PREDICTION_SCORE,
  SPAN_ML_OUTCOME,
  SPAN_ML_PREDICT,
} from './semconv.js';
import type { Label, ModelMonitor, ModelMonitorOptions, Outcome, Prediction, WrapOptions } from './types.js';
import { readScore } from './utils.js';

/**
 * Creates the monitor a service records its model's predictions, outcomes and heuristics with. Bad
 * configuration throws here; bad input while recording never throws: it is dropped, counted in
 * `ml.monitor.dropped` and reported with `diag.warn`.
 *
 * @example
 * const monitor = createModelMonitor({ model: { name: 'loan-rejection', version: '3' }, profile });
 * monitor.recordPrediction({ id: application.id, score: 0.82, label: 'reject', features: application });
 */
export function createModelMonitor(options: ModelMonitorOptions): ModelMonitor {
  const config = resolveConfig(options);
  const instruments = createInstruments(config);
  const base: Attributes = {
    [ATTR_ML_MODEL_NAME]: config.model.name,
    [ATTR_ML_MODEL_VERSION]: config.model.version,
  };
  const drops = new Drops(instruments.dropped, base);
  const features = new FeatureRecorder(config, instruments, base, drops);
  const knownLabels = config.profile?.label ? Object.keys(config.profile.label.classes) : undefined;
  const labels = new BoundedValues(config.limits.labels, knownLabels);
  const heuristicNames = new BoundedValues(config.limits.heuristics);
  const cache = new Map<string, Attributes>();
  const predictSpanName = `${SPAN_ML_PREDICT} ${config.model.name}`;
  const outcomeSpanName = `${SPAN_ML_OUTCOME} ${config.model.name}`;

  /** Attribute objects are shared per series so recording allocates nothing on the hot path. */
  function attributesFor(key: string, build: () => Attributes): Attributes {
    let attributes = cache.get(key);
    if (!attributes) {
      attributes = build();
      cache.set(key, attributes);
    }
    return attributes;
  }

  function isHoldout(key: string | number): boolean {
    if (!config.holdout || (typeof key !== 'string' && typeof key !== 'number')) return false;
    return holdoutPosition(String(key), config.holdout.salt) < config.holdout.rate;
  }

  function holdoutOf(given: unknown, key: unknown): boolean | undefined {
    if (given === undefined) return key === undefined ? false : isHoldout(key as string | number);
    return typeof given === 'boolean' ? given : undefined;
  }

  function record(prediction: Prediction, span: Span | undefined) {
    if (typeof prediction !== 'object' || prediction === null) {
      return drops.drop('invalid_prediction', `recordPrediction expects an object, got ${prediction}`);
    }
    const { id } = prediction;
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
      return drops.drop('invalid_prediction', `id must be a string or number, got ${typeof id}`);
    }
    const holdout = holdoutOf(prediction.holdout, id);
    if (holdout === undefined) return drops.drop('invalid_prediction', 'holdout must be a boolean');
    const score = readScore(prediction.score);
    if (typeof score === 'string') return drops.drop('invalid_score', score);
    const rawLabel = prediction.label ?? score?.top;
    if (rawLabel !== undefined && !isLabel(rawLabel)) {
      return drops.drop(
        'invalid_label',
        `label must be a string, finite number or boolean, got ${typeof rawLabel}`,
      );
    }
    const label = rawLabel === undefined ? undefined : labels.admit(String(rawLabel));
    const { features: inputs } = prediction;
    if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null)) {
      return drops.drop('invalid_prediction', 'features must be an object of feature name → value');
    }

    if (score) {
      const attributes = attributesFor(`score\0${label ?? ''}\0${holdout}`, () => ({
        ...base,
        ...(label === undefined ? {} : { [ATTR_ML_PREDICTION_LABEL]: label }),
        [ATTR_ML_HOLDOUT]: holdout,
      }));
      instruments.score.record(score.value, attributes);
    }
    if (inputs) features.record(inputs);

    const target = span ?? trace.getActiveSpan();
    if (target?.isRecording()) {
      target.setAttributes(base);
      target.setAttribute(ATTR_ML_HOLDOUT, holdout);
      if (id !== undefined) target.setAttribute(ATTR_ML_PREDICTION_ID, String(id));
      if (score) target.setAttribute(ATTR_ML_PREDICTION_SCORE, score.value);
      if (rawLabel !== undefined) target.setAttribute(ATTR_ML_PREDICTION_LABEL, String(rawLabel));
      if (inputs) {
        for (const name of config.capture) {
          const value = inputs[name];
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
            target.setAttribute(ATTR_ML_INPUT_PREFIX + name, value);
          }
        }
      }
    }
  }

  function recordOutcome(outcome: Outcome) {
    if (typeof outcome !== 'object' || outcome === null) {
      return drops.drop('invalid_outcome', `recordOutcome expects an object, got ${outcome}`);
    }
    const { predictionId, predicted, actual, score } = outcome;
    if (!isLabel(actual))
      return drops.drop('invalid_outcome', `actual must be a label, got ${typeof actual}`);
    if (predicted !== undefined && !isLabel(predicted)) {
      return drops.drop('invalid_outcome', `predicted must be a label, got ${typeof predicted}`);
    }
    if (predictionId !== undefined && typeof predictionId !== 'string' && typeof predictionId !== 'number') {
      return drops.drop(
        'invalid_outcome',
        `predictionId must be a string or number, got ${typeof predictionId}`,
      );
    }
    if (score !== undefined && !(typeof score === 'number' && score >= 0 && score <= 1)) {
      return drops.drop('invalid_score', `outcome score must be a number in [0, 1], got ${score}`);
    }
    const holdout = holdoutOf(outcome.holdout, predictionId);
    if (holdout === undefined) return drops.drop('invalid_outcome', 'holdout must be a boolean');
    const actualLabel = labels.admit(String(actual));
    const predictedLabel = predicted === undefined ? undefined : labels.admit(String(predicted));
    instruments.outcome.add(
      1,
      attributesFor(`outcome\0${predictedLabel ?? ''}\0${actualLabel}\0${holdout}`, () => ({
        ...base,
        ...(predictedLabel === undefined ? {} : { [ATTR_ML_PREDICTION_LABEL]: predictedLabel }),
        [ATTR_ML_OUTCOME_LABEL]: actualLabel,
        [ATTR_ML_HOLDOUT]: holdout,
      })),
    );
    if (score !== undefined) {
      instruments.outcomeScore.record(
        score,
        attributesFor(`outcomeScore\0${actualLabel}\0${holdout}`, () => ({
          ...base,
          [ATTR_ML_OUTCOME_LABEL]: actualLabel,
          [ATTR_ML_HOLDOUT]: holdout,
        })),
      );
    }
    if (predictionId !== undefined) {
      const span = config.tracer.startSpan(outcomeSpanName, {
        attributes: {
          ...base,
          [ATTR_ML_PREDICTION_ID]: String(predictionId),
          [ATTR_ML_OUTCOME_LABEL]: String(actual),
          [ATTR_ML_HOLDOUT]: holdout,
          ...(predicted === undefined ? {} : { [ATTR_ML_PREDICTION_LABEL]: String(predicted) }),
        },
      });
      span.end();
    }
  }

  function recordHeuristic(name: string, value: number) {
    if (typeof name !== 'string' || name.length === 0) {
      return drops.drop('invalid_heuristic', `heuristic name must be a non-empty string, got ${typeof name}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return drops.drop(
        'invalid_heuristic',
        `heuristic ${JSON.stringify(name)} needs a finite number, got ${value}`,
      );
    }
    if (heuristicNames.admit(name) !== name) {
      return drops.drop(
        'too_many_heuristics',
        `more than ${config.limits.heuristics} heuristic names; ${JSON.stringify(name)} not recorded`,
      );
    }
    instruments.heuristic.record(
      value,
      attributesFor(`heuristic\0${name}`, () => ({ ...base, [ATTR_ML_HEURISTIC_NAME]: name })),
    );
  }

  /** Telemetry never breaks the host: anything unexpected is dropped and counted. */
  function guarded<Args extends unknown[]>(fn: (...args: Args) => void): (...args: Args) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch (error) {
        try {
          drops.drop('internal_error', (error as Error)?.message ?? String(error));
        } catch {
          // Nothing left to report with.
        }
      }
    };
  }

  const recordPredictionOn = guarded(record);

  function wrap<Args extends unknown[], Result>(
    fn: (...args: Args) => Result,
    wrapOptions: WrapOptions<Args, Result> = {},
  ): (...args: Args) => Result {
    const toPrediction = wrapOptions.toPrediction ?? defaultPrediction;
    /** `failed`: the call threw or rejected (with any value, `undefined` included). */
    const finish = guarded(
      (span: Span, started: number, args: Args, result: unknown, failed: boolean, error: unknown) => {
        const seconds = (performance.now() - started) / 1000;
        if (!failed) {
          instruments.duration.record(seconds, base);
          const prediction = toPrediction(result as Awaited<Result>, args);
          if (prediction !== undefined) recordPredictionOn(prediction, span);
        } else {
          const type = errorType(error);
          instruments.duration.record(
            seconds,
            attributesFor(`error\0${type}`, () => ({ ...base, [ATTR_ERROR_TYPE]: type })),
          );
          span.setAttribute(ATTR_ERROR_TYPE, type);
          if (error instanceof Error) span.recordException(error);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      },
    );
    const wrapped = function (this: unknown, ...args: Args): Result {
      const started = performance.now();
      const span = config.tracer.startSpan(predictSpanName, { attributes: base });
      const end = (result: unknown, failed: boolean, error?: unknown) => {
        finish(span, started, args, result, failed, error);
        span.end();
      };
      let result: Result;
      try {
        result = context.with(trace.setSpan(context.active(), span), () => fn.apply(this, args));
      } catch (error) {
        end(undefined, true, error);
        throw error;
      }
      if (result instanceof Promise) {
        // Observed, not replaced: the caller keeps the very promise, with any properties of its own. The
        // observer handles a rejection, so a promise the caller drops no longer reports as unhandled.
        result.then(
          (value) => end(value, false),
          (error: unknown) => end(undefined, true, error),
        );
        return result;
      }
      if (isPromiseLike(result)) {
        // Another thenable (a query builder, say) may start work each time `then` is called: it is
        // called once, here, and the caller gets a promise of its outcome.
        return Promise.resolve(result).then(
          (value) => {
            end(value, false);
            return value;
          },
          (error: unknown) => {
            end(undefined, true, error);
            throw error;
          },
        ) as Result;
      }
      end(result, false);
      return result;
    };
    // Stack traces and logs that name the function keep its name.
    Object.defineProperty(wrapped, 'name', { value: fn.name || 'wrapped' });
    return wrapped;
  }

  return {
    isHoldout: (key) => {
      try {
        return isHoldout(key);
      } catch {
        return false;
      }
    },
    recordPrediction: (prediction) => recordPredictionOn(prediction, undefined),
    recordOutcome: guarded(recordOutcome),
    recordHeuristic: guarded(recordHeuristic),
    wrap,
  };
}

function isLabel(value: unknown): value is Label {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isPromiseLike(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A number result is the score; an object with score / label (and id, features, holdout) is used as is. */
function defaultPrediction(result: unknown): Prediction | undefined {
  if (typeof result === 'number') return { score: result };
  if (typeof result === 'object' && result !== null && ('score' in result || 'label' in result)) {
    return result as Prediction;
  }
  return undefined;
}

/** `error.type`: the error's class name, as the OpenTelemetry conventions suggest. */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name || 'Error';
  return '_OTHER';
}
