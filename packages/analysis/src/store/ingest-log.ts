import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OtlpFormat } from '../receive/status.js';

/** One acknowledged metrics export as received: enough to apply it again. */
export interface LoggedExport {
  receivedMs: number;
  format: OtlpFormat;
  /** the body is kept as it arrived, gzip-compressed: about 25× smaller than decompressed */
  gzip: boolean;
  body: Uint8Array;
}

/**
 * The exports acknowledged since the last checkpoint, in arrival order. A checkpoint commits the state they
 * produced together with the next epoch number, then the log starts over empty for that epoch.
 */
export interface IngestLog {
  /**
   * Decompressed body bytes appended since the log started: what a replay decodes. (Entries read back from
   * a file count as stored.)
   */
  readonly bytes: number;
  /**
   * Appends one export whose body decodes from `decodedBytes` bytes; when it throws, nothing was appended.
   * The body's memory is the caller's again after.
   */
  append(entry: LoggedExport, decodedBytes: number): void;
  entries(): LoggedExport[];
  /** The checkpoint that committed `epoch` has every entry: start empty. */
  rotate(epoch: number): void;
  close(): void;
}

/** For ':memory:' databases, which do not survive the process anyway: entries only kept for a rebuild. */
export class MemoryLog implements IngestLog {
  #entries: LoggedExport[] = [];
  bytes = 0;

  append(entry: LoggedExport, decodedBytes: number): void {
    this.#entries.push({ ...entry, body: entry.body.slice() }); // the receiver reuses body buffers
    this.bytes += decodedBytes;
  }

  entries(): LoggedExport[] {
    return this.#entries.slice();
  }

  rotate(): void {
    this.#entries = [];
    this.bytes = 0;
  }

  close(): void {}
}

// u32 body length, u8 format, u8 flags, 2 spare bytes, f64 received ms (little-endian). Records written
// before the flags existed have 0 there.
const HEADER = 16;
const FORMATS = ['protobuf', 'json'] as const;
const GZIP = 1;

/**
 * An append-only file beside the database, `<db>-ingest.<epoch>`: one record per export, header + body,
 * written with one writev. Appending a body costs one copy to the page cache, where writing it into SQLite
 * costs a page write per 4 KiB plus freeing the pages again at the checkpoint. Like the database in WAL
 * mode with synchronous NORMAL, a record survives a crash of the process once written; with `sync` it is
 * flushed to disk as well (fdatasync), like synchronous FULL.
 */
export class FileLog implements IngestLog {
  readonly #dbPath: string;
  readonly #sync: boolean;
  #fd: number;
  #path: string;
  #size: number;
  bytes = 0;

  constructor(dbPath: string, epoch: number, sync: boolean) {
    this.#dbPath = dbPath;
    this.#sync = sync;
    this.#path = FileLog.pathOf(dbPath, epoch);
    this.#fd = openSync(this.#path, 'a+');
    this.#size = fstatSync(this.#fd).size;
    // Files of other epochs were applied by a committed checkpoint: the process died before deleting them.
    this.#removeOthers();
  }

  static pathOf(dbPath: string, epoch: number): string {
    return `${dbPath}-ingest.${epoch}`;
  }

  append(entry: LoggedExport, decodedBytes: number): void {
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(entry.body.byteLength, 0);
    header.writeUInt8(FORMATS.indexOf(entry.format), 4);
    header.writeUInt8(entry.gzip ? GZIP : 0, 5);
    header.writeDoubleLE(entry.receivedMs, 8);
    const before = this.#size;
    const total = HEADER + entry.body.byteLength;
    try {
      let written = writevSync(this.#fd, [header, entry.body]);
      // A regular file takes a writev whole in practice; finish a short write rather than assume it.
      while (written < total) {
        const rest = Buffer.concat([header, entry.body]).subarray(written);
        written += writevSync(this.#fd, [rest]);
      }
      if (this.#sync) fdatasyncSync(this.#fd);
    } catch (error) {
      ftruncateSync(this.#fd, before);
      throw error;
    }
    this.#size = before + total;
    this.bytes += decodedBytes;
  }

  /**
   * Every whole record. A torn last record (the process died inside a write, so the export was never
   * acknowledged) is cut off, so that appends continue from a record boundary.
   */
  entries(): LoggedExport[] {
    const data = readFileSync(this.#path);
    const out: LoggedExport[] = [];
    let at = 0;
    let bytes = 0;
    while (at + HEADER <= data.byteLength) {
      const length = data.readUInt32LE(at);
      const format = FORMATS[data.readUInt8(at + 4)];
      if (format === undefined || at + HEADER + length > data.byteLength) break;
      out.push({
        format,
        gzip: (data.readUInt8(at + 5) & GZIP) !== 0,
        receivedMs: data.readDoubleLE(at + 8),
        body: data.subarray(at + HEADER, at + HEADER + length),
      });
      at += HEADER + length;
      bytes += length;
    }
    if (at < data.byteLength) ftruncateSync(this.#fd, at);
    this.#size = at;
    this.bytes = bytes;
    return out;
  }

  rotate(epoch: number): void {
    const next = FileLog.pathOf(this.#dbPath, epoch);
    const fd = openSync(next, 'a+');
    closeSync(this.#fd);
    this.#fd = fd;
    this.#path = next;
    this.#size = fstatSync(fd).size;
    this.bytes = 0;
    this.#removeOthers();
  }

  close(): void {
    closeSync(this.#fd);
  }

  #removeOthers(): void {
    const dir = dirname(this.#dbPath);
    const prefix = `${basename(this.#dbPath)}-ingest.`;
    const keep = basename(this.#path);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && name !== keep) rmSync(join(dir, name), { force: true });
    }
  }
}
