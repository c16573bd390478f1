/**
 * Buffers that request bodies are read into, kept for the next request. A fresh buffer of half a megabyte
 * is fresh memory from the OS, and every 4 KiB page of it faults on first write: measured here at about
 * 15 µs a page, copying a body into a new buffer took 40 times as long as into a used one. Nothing keeps a
 * body after its request (the decoder copies what it keeps), so a buffer goes back once the export is
 * applied. At most `keepBytes` of idle buffers are kept.
 */
export class BodyBuffers {
  readonly #free: Buffer[] = [];
  #freeBytes = 0;

  constructor(readonly keepBytes = 16 * 1024 * 1024) {}

  /** A buffer of at least `size` bytes, with whatever a previous body left in it. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const length = (this.#free[i] as Buffer).byteLength;
      if (length >= size && (best < 0 || length < (this.#free[best] as Buffer).byteLength)) best = i;
    }
    // A quarter more than asked: the next export of the same service is usually a little larger.
    if (best < 0) return Buffer.allocUnsafeSlow(Math.ceil((size * 1.25) / 65536) * 65536);
    const buffer = this.#free.splice(best, 1)[0] as Buffer;
    this.#freeBytes -= buffer.byteLength;
    return buffer;
  }

  /** Returns a buffer from `take`; the caller no longer reads or writes it. */
  give(buffer: Buffer): void {
    // Keep the larger buffers: they serve every smaller body too.
    this.#free.push(buffer);
    this.#freeBytes += buffer.byteLength;
    this.#free.sort((a, b) => b.byteLength - a.byteLength);
    while (this.#freeBytes > this.keepBytes) {
      const dropped = this.#free.pop() as Buffer;
      this.#freeBytes -= dropped.byteLength;
    }
  }
}
