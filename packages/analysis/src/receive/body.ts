import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { BodyBuffers } from './body-buffers.js';
import { type OtlpFormat, otlpError } from './status.js';

export interface Body {
  /** the body to decode (decompressed) */
  bytes: Uint8Array;
  /** the body as received, when it came gzip-compressed */
  gzipped?: Uint8Array;
  /** Gives its memory back for the next request: call it once nothing reads the bytes any more. */
  release(): void;
}

const NOTHING_TO_RELEASE = () => {};

/**
 * The request body after gzip, refused with 413 once it passes `limit` (compressed or not). Under
 * @hono/node-server the body is read straight from the Node request (`incoming`): a declared body into
 * one of the reused `buffers`, and not a byte past the limit even without a Content-Length. Elsewhere
 * (in-process `app.request`, other runtimes) it is read through the Fetch API.
 */
export async function readBody(
  request: Request,
  incoming: IncomingMessage | undefined,
  buffers: BodyBuffers,
  limit: number,
  format: OtlpFormat,
): Promise<Body> {
  const coding = request.headers.get('content-encoding')?.trim().toLowerCase();
  const gzip = coding === 'gzip';
  if (!gzip && coding !== undefined && coding !== '' && coding !== 'identity')
    throw otlpError(415, `Content-Encoding ${coding} is not supported; use gzip or none.`, format);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit, format);
  const raw =
    incoming === undefined
      ? { bytes: new Uint8Array(await request.arrayBuffer()), release: NOTHING_TO_RELEASE }
      : await readIncoming(incoming, declared, buffers, limit, format);
  if (!gzip && raw.bytes.byteLength <= limit) return raw;
  try {
    if (raw.bytes.byteLength > limit) throw tooLarge(limit, format);
    // Kept too: the store logs the compressed bytes.
    return { bytes: gunzip(raw.bytes, limit, format), gzipped: raw.bytes, release: raw.release };
  } catch (error) {
    raw.release();
    throw error;
  }
}

function gunzip(bytes: Uint8Array, limit: number, format: OtlpFormat): Uint8Array {
  try {
    // maxOutputLength bounds what a small gzip bomb can expand to.
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(limit, format, 'decompressed');
    throw otlpError(400, `Body is not valid gzip: ${(error as Error).message}`, format);
  }
}

/**
 * Copies the chunks of a Node request body into one buffer. With a Content-Length (which the HTTP parser
 * holds the body to) that is the only copy, into a reused buffer; a chunked body is gathered and joined,
 * and dropped as soon as it passes the limit: the rest is discarded as it arrives, never held.
 */
function readIncoming(
  incoming: IncomingMessage,
  declared: number,
  buffers: BodyBuffers,
  limit: number,
  format: OtlpFormat,
): Promise<Body> {
  return new Promise((resolve, reject) => {
    const sized = Number.isSafeInteger(declared) && declared >= 0 ? buffers.take(declared) : null;
    const release = sized ? () => buffers.give(sized) : NOTHING_TO_RELEASE;
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (settle: () => void) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const fail = (error: Error) =>
      done(() => {
        release();
        reject(error);
      });
    const onData = (chunk: Buffer) => {
      if (length + chunk.byteLength > (sized ? declared : limit)) {
        fail(tooLarge(limit, format));
        incoming.resume(); // discard the rest
        return;
      }
      if (sized) sized.set(chunk, length);
      else chunks.push(chunk);
      length += chunk.byteLength;
    };
    const onEnd = () =>
      done(() =>
        resolve({ bytes: sized ? sized.subarray(0, length) : Buffer.concat(chunks, length), release }),
      );
    // The client went away mid-body: nobody is left to answer, and it is not the service's error to log.
    const onError = (error: Error) =>
      fail(otlpError(400, `The request body could not be read: ${error.message}.`, format));
    const onClose = () =>
      fail(otlpError(400, 'The client closed the connection before the body was complete.', format));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(limit: number, format: OtlpFormat, which?: 'decompressed') {
  return otlpError(413, `Body exceeds the ${limit}-byte limit${which ? ` (${which})` : ''}.`, format);
}
