import 'server-only';
import type { Readable } from 'node:stream';

/** Where a blob landed: the key is derived from the content, so equal bytes always share one key. */
export interface PutResult {
  key: string;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
}

export interface PutOptions {
  /** Stored as object metadata by drivers that keep it (S3); the local driver ignores it. */
  contentType?: string;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` past the blob is clamped to its last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface BlobListEntry {
  key: string;
  size: number;
  /**
   * When the bytes were last written. A blob is stored before the DB row pointing at it commits, so an
   * orphan sweep must spare blobs younger than its grace period or it races ingestion.
   */
  modifiedAt: Date;
}

export interface BlobStore {
  /** Hashes while writing; the blob becomes visible only once complete (temp name, then rename/copy). */
  put(data: Uint8Array | Readable, opts?: PutOptions): Promise<PutResult>;
  /** Whole blob in memory: for small blobs only; stream large ones. Throws BlobNotFoundError. */
  get(key: string): Promise<Uint8Array>;
  /** Throws BlobNotFoundError before any byte is streamed, InvalidRangeError for an unsatisfiable range. */
  createReadStream(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  exists(key: string): Promise<boolean>;
  /** For garbage collection of orphans only; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Complete blobs only (never temp files), optionally restricted to keys starting with `prefix`. */
  list(prefix?: string): AsyncIterable<BlobListEntry>;
  /** Removes temp leftovers of crashed or failed writes older than `olderThanMs`; returns how many. */
  sweepTemp(olderThanMs: number): Promise<number>;
  /** Releases network resources (S3 sockets); the store must not be used afterwards. */
  close(): Promise<void>;
}

/** Base for storage failures the HTTP layer maps to status codes (404, 400, 416). */
export class BlobStoreError extends Error {
  constructor(
    readonly code: 'BLOB_NOT_FOUND' | 'INVALID_BLOB_KEY' | 'INVALID_RANGE',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BlobNotFoundError extends BlobStoreError {
  constructor(readonly key: string) {
    super('BLOB_NOT_FOUND', `Blob not found: ${key}`);
  }
}

export class InvalidBlobKeyError extends BlobStoreError {
  constructor(readonly key: string) {
    // JSON.stringify so control characters or huge inputs in a hostile key stay readable in logs.
    super('INVALID_BLOB_KEY', `Invalid blob key: ${JSON.stringify(key.slice(0, 200))}`);
  }
}

export class InvalidRangeError extends BlobStoreError {
  constructor(
    readonly range: ByteRange,
    readonly size?: number,
  ) {
    super(
      'INVALID_RANGE',
      `Unsatisfiable range ${range.start}-${range.end ?? ''}` + (size === undefined ? '' : ` for a blob of ${size} bytes`),
    );
  }
}
