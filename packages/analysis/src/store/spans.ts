import type { Span } from '../receive/model.js';
import { stringAttribute } from './canonical.js';
import {
  ATTR_HOLDOUT,
  ATTR_MODEL_NAME,
  ATTR_MODEL_VERSION,
  ATTR_OUTCOME_LABEL,
  ATTR_PREDICTION_ID,
  ATTR_PREDICTION_LABEL,
  ATTR_PREDICTION_SCORE,
  OUTCOME_SPAN_PREFIX,
} from './instruments.js';
import type { OutcomeSpanRecord, PredictionSpanRecord } from './types.js';

/** What the store takes from one span (pure: no SQLite). */
export interface SpanFacts {
  /** why the span is refused; nothing else is set then */
  problem?: string;
  /** a holdout prediction span: `ml.holdout` = true and an `ml.prediction.id` */
  prediction?: PredictionSpanRecord;
  /** an `ml.outcome {model}` span with an `ml.prediction.id` */
  outcome?: OutcomeSpanRecord;
  /** a span with `ml.prediction.score` and `ml.model.name`: offered to the exemplar reservoir */
  scored?: { model: string; version: string; score: number; traceId: string; spanId: string; timeMs: number };
}

/** Span end time in ms (the prediction is complete then); the start when the end is missing. */
export function spanTimeMs(span: Span): number {
  const ns = span.endTimeUnixNano > 0n ? span.endTimeUnixNano : span.startTimeUnixNano;
  return Number(ns / 1_000_000n);
}

export function classifySpan(span: Span): SpanFacts {
  const a = span.attributes;
  const model = stringAttribute(a, ATTR_MODEL_NAME);
  const predictionId = stringAttribute(a, ATTR_PREDICTION_ID);
  const isHoldoutPrediction = a[ATTR_HOLDOUT] === true && predictionId !== undefined;
  const isOutcome = span.name.startsWith(OUTCOME_SPAN_PREFIX) && predictionId !== undefined;
  const rawScore = a[ATTR_PREDICTION_SCORE];
  const ours = model !== undefined || isHoldoutPrediction || isOutcome;
  if (!ours) return {};
  if (model === undefined || model === '')
    return { problem: `span "${span.name}" has no ${ATTR_MODEL_NAME}` };
  if (
    rawScore !== undefined &&
    rawScore !== null &&
    !(typeof rawScore === 'number' && Number.isFinite(rawScore))
  ) {
    return { problem: `span "${span.name}": ${ATTR_PREDICTION_SCORE} must be a finite number` };
  }
  const score = typeof rawScore === 'number' ? rawScore : null;
  if (span.endTimeUnixNano <= 0n && span.startTimeUnixNano <= 0n) {
    return { problem: `span "${span.name}" has no time` };
  }
  const version = stringAttribute(a, ATTR_MODEL_VERSION) ?? '';
  const timeMs = spanTimeMs(span);
  const ids = { traceId: span.traceId, spanId: span.spanId };
  const facts: SpanFacts = {};
  if (isOutcome) {
    const outcomeLabel = stringAttribute(a, ATTR_OUTCOME_LABEL);
    if (outcomeLabel === undefined) return { problem: `span "${span.name}" has no ${ATTR_OUTCOME_LABEL}` };
    const holdout = a[ATTR_HOLDOUT];
    facts.outcome = {
      model,
      version,
      predictionId,
      outcomeLabel,
      predictedLabel: stringAttribute(a, ATTR_PREDICTION_LABEL) ?? null,
      score,
      holdout: typeof holdout === 'boolean' ? holdout : null,
      ...ids,
      timeMs,
    };
  } else if (isHoldoutPrediction) {
    facts.prediction = {
      model,
      version,
      predictionId,
      score,
      label: stringAttribute(a, ATTR_PREDICTION_LABEL) ?? null,
      ...ids,
      timeMs,
    };
  }
  if (score !== null) facts.scored = { model, version, score, ...ids, timeMs };
  return facts;
}
