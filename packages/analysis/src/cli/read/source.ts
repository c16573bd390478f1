import { createReadStream } from 'node:fs';

/** A data file read as a stream of text, reporting the bytes consumed so far. */
export class Source {
  constructor(
    readonly path: string,
    private readonly onProgress?: (bytesRead: number) => void,
  ) {}

  /** The file's text in chunks of about 1 MiB (UTF-8, split safely between characters). */
  async *text(): AsyncGenerator<string> {
    const stream = createReadStream(this.path, { highWaterMark: 1 << 20, encoding: 'utf8' });
    try {
      for await (const chunk of stream) {
        yield chunk as string;
        this.onProgress?.(stream.bytesRead);
      }
    } finally {
      stream.destroy();
    }
  }

  /** The file's lines (LF or CRLF, byte-order mark dropped), each with its 1-based number. */
  async *lines(): AsyncGenerator<[string, number]> {
    let rest = '';
    let line = 0;
    let first = true;
    for await (let chunk of this.text()) {
      if (first) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      let start = 0;
      let end = chunk.indexOf('\n');
      if (end === -1) {
        rest += chunk;
        continue;
      }
      let text = rest + chunk.slice(0, end);
      rest = '';
      for (;;) {
        yield [text.endsWith('\r') ? text.slice(0, -1) : text, ++line];
        start = end + 1;
        end = chunk.indexOf('\n', start);
        if (end === -1) break;
        text = chunk.slice(start, end);
      }
      rest = chunk.slice(start);
    }
    if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++line];
  }
}
