/**
 * A least-recently-used map of arrays bounded by their total size in bytes: the simulated distributions
 * and normal matrices differ in size, so a count of entries would bound nothing.
 * @internal
 */
export class ByteBoundedCache<V extends { byteLength: number }> {
  readonly #entries = new Map<string, V>();
  readonly #limit: number;
  #bytes = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  get(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit); // recently used entries stay
    }
    return hit;
  }

  /** Keeps `value` (evicting the least recently used), unless it alone takes over half the limit. */
  set(key: string, value: V): V {
    if (value.byteLength > this.#limit / 2) return value;
    while (this.#bytes + value.byteLength > this.#limit && this.#entries.size > 0) {
      const [oldest, old] = this.#entries.entries().next().value as [string, V];
      this.#entries.delete(oldest);
      this.#bytes -= old.byteLength;
    }
    this.#entries.set(key, value);
    this.#bytes += value.byteLength;
    return value;
  }
}
