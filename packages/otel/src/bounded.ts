import { OTHER_VALUE } from './semconv.js';

/**
 * Keeps the values that may become metric attributes bounded: a fixed known set (from the profile), or
 * the first `limit` distinct values seen. Everything else maps to `__other__`.
 */
export class BoundedValues {
  private readonly seen: Set<string>;
  constructor(
    private readonly limit: number,
    known?: Iterable<string>,
    private readonly fixed = known !== undefined,
  ) {
    this.seen = new Set(known);
  }

  /** The value itself when it is known (or there is still room), else `__other__`. */
  admit(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.fixed || this.seen.size >= this.limit) return OTHER_VALUE;
    this.seen.add(value);
    return value;
  }
}
