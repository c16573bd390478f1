/** Answers kept at once; the analysis asks for one pinned period per model at most. */
const MAX_ANSWERS = 1000;

/**
 * Answers of windows that ended before data arrived (a pinned reference period) for queries asked again and
 * again: summed by SQL once, then kept until a row lands inside the window (a late export) or rows are
 * deleted (retention, a rebuild). Without it, every cycle summed each model's pinned period from its rows.
 */
export class PastAnswers {
  readonly #answers = new Map<string, { fromMs: number; toMs: number; value: unknown }>();
  /** no kept window reaches this far: rows of the current minute are past all of them */
  #endMs = Number.NEGATIVE_INFINITY;

  get<T>(key: string, fromMs: number, toMs: number, compute: () => T): T {
    const kept = this.#answers.get(key);
    if (kept !== undefined) return kept.value as T;
    const value = compute();
    if (this.#answers.size >= MAX_ANSWERS) this.clear();
    this.#answers.set(key, { fromMs, toMs, value });
    if (toMs > this.#endMs) this.#endMs = toMs;
    return value;
  }

  /** A row of bucket `bucketMs` changed: answers of windows holding it are stale. */
  added(bucketMs: number): void {
    if (bucketMs >= this.#endMs) return;
    for (const [key, a] of this.#answers) {
      if (bucketMs >= a.fromMs && bucketMs < a.toMs) this.#answers.delete(key);
    }
  }

  clear(): void {
    this.#answers.clear();
    this.#endMs = Number.NEGATIVE_INFINITY;
  }
}
