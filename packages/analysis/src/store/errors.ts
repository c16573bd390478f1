/** Collects rejection reasons: each distinct sentence once, at most MAX_ERRORS of them, then a tally of the rest. */
const MAX_ERRORS = 20;

export class ErrorList {
  readonly #seen = new Set<string>();
  #more = 0;

  add(message: string): void {
    if (this.#seen.has(message)) return;
    if (this.#seen.size < MAX_ERRORS) this.#seen.add(message);
    else this.#more++;
  }

  list(): string[] {
    const out = [...this.#seen];
    if (this.#more > 0) out.push(`… and ${this.#more} more rejections for other reasons`);
    return out;
  }
}
