/** A validated score: the value recorded, and for a class → probability map the most probable class. */
export interface Score {
  value: number;
  top?: string;
}

/** Tolerance on "the class probabilities sum to 1" (float rounding in model outputs). */
const SUM_TOLERANCE = 1e-6;

/**
 * Reads a prediction's score. A number must lie in [0, 1]. A class → probability map must hold
 * probabilities in [0, 1] summing to 1; its recorded value is the top class's probability (the model's
 * confidence). Returns undefined when there is no score and a sentence when the score is invalid.
 */
export function readScore(score: unknown): Score | undefined | string {
  if (score === undefined) return undefined;
  if (typeof score === 'number') {
    return score >= 0 && score <= 1
      ? { value: score }
      : `score must be a probability in [0, 1], got ${score}`;
  }
  if (typeof score !== 'object' || score === null)
    return `score must be a number or a class → probability map, got ${typeof score}`;
  let top: string | undefined;
  let max = -1;
  let sum = 0;
  for (const [label, p] of Object.entries(score)) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      return `score[${JSON.stringify(label)}] must be a probability in [0, 1], got ${p}`;
    sum += p;
    if (p > max) {
      max = p;
      top = label;
    }
  }
  if (top === undefined) return 'score map must not be empty';
  if (Math.abs(sum - 1) > SUM_TOLERANCE) return `class probabilities must sum to 1, got ${sum}`;
  return { value: max, top };
}
