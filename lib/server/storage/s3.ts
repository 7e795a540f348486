import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertBlobKey, assertListPrefix, assertRangeShape, blobKeyForSha256, chunkToBuffer, isBlobKey } from './keys';
import { abortStaleUploads, copyObject, httpStatus, isNotFound } from './s3-ops';
import {
  BlobNotFoundError,
  InvalidRangeError,
  type BlobListEntry,
  type BlobStore,
  type ByteRange,
  type PutOptions,
  type PutResult,
} from './types';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Default `us-east-1`. */
  region?: string;
  /** For S3-compatible servers (MinIO, Ceph, moto); omit for AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Omit to use the SDK's default provider chain (instance roles etc.). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Key prefix inside the bucket, e.g. `tumorwatch/`, so deployments can share a bucket. */
  prefix?: string;
  /** Streams up to this size go up in one PutObject; larger ones in parts of this size. Default 8 MiB. */
  partSize?: number;
  /** Largest object moved with one CopyObject (S3 caps it at 5 GiB, the default). */
  maxCopyObjectBytes?: number;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** S3 rejects non-final parts below 5 MiB (Upload knows it too, but keeps its constant private). */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const FIVE_GIB = 5 * 1024 ** 3;

/**
 * Objects `<prefix>sha256/ab/cd/<hex>`. A buffer (or a stream no larger than one part) is hashed first and
 * sent with one PutObject, which S3 makes visible atomically. A larger stream cannot know its key until
 * its last byte, so it is uploaded in parts to `<prefix>tmp/<uuid>` and server-side copied to its key.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly base: string;
  private readonly partSize: number;
  private readonly maxCopyObjectBytes: number;

  constructor(opts: S3BlobStoreOptions) {
    const base = opts.prefix ?? '';
    if (!/^([0-9A-Za-z_-][0-9A-Za-z._-]*\/)*$/.test(base)) throw new Error(`S3 prefix must be empty or end with '/': ${base}`);
    this.partSize = opts.partSize ?? DEFAULT_PART_SIZE;
    // Checked here, not left to Upload, so a misconfiguration fails at start-up rather than on the first large put.
    if (this.partSize < MIN_PART_SIZE) throw new Error(`S3 partSize must be at least ${MIN_PART_SIZE} bytes`);
    this.maxCopyObjectBytes = Math.min(opts.maxCopyObjectBytes ?? FIVE_GIB, FIVE_GIB);
    this.bucket = opts.bucket;
    this.base = base;
    this.client = new S3Client({
      region: opts.region ?? 'us-east-1',
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.credentials,
      // The SDK's default CRC checksums are rejected by several S3-compatible servers; integrity comes
      // from SigV4's signed payload hash, plus an explicit SHA-256 on PutObject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(data: Uint8Array | Readable, opts: PutOptions = {}): Promise<PutResult> {
    if (data instanceof Uint8Array) return this.putBuffer(chunkToBuffer(data), opts.contentType);
    return this.putStream(data, opts.contentType);
  }

  async get(key: string): Promise<Uint8Array> {
    const body = await this.getBody(key);
    return new Uint8Array(await body.transformToByteArray());
  }

  async createReadStream(key: string, range?: ByteRange): Promise<Readable> {
    if (range) assertRangeShape(range);
    const body = await this.getBody(key, range);
    if (!(body instanceof Readable)) throw new Error('S3 body is not a Node stream');
    return body;
  }

  async stat(key: string): Promise<{ size: number } | null> {
    assertBlobKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.base + key }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.base + key }));
  }

  async *list(prefix = ''): AsyncGenerator<BlobListEntry> {
    assertListPrefix(prefix);
    const Prefix = this.base + (prefix || 'sha256/');
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix })) {
      for (const obj of page.Contents ?? []) {
        const key = obj.Key?.slice(this.base.length);
        if (!isBlobKey(key) || !key.startsWith(prefix)) continue;
        yield { key, size: obj.Size ?? 0, modifiedAt: obj.LastModified ?? new Date(0) };
      }
    }
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    const Prefix = `${this.base}tmp/`;
    let removed = await abortStaleUploads(this.client, this.bucket, Prefix, cutoff);
    // Completed temp objects are left only by a crash between the upload and the copy to the final key.
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix })) {
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || (obj.LastModified?.getTime() ?? 0) >= cutoff) continue;
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: obj.Key }));
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async putBuffer(buf: Buffer, contentType?: string, knownSha256?: string): Promise<PutResult> {
    const digest = knownSha256 ? Buffer.from(knownSha256, 'hex') : createHash('sha256').update(buf).digest();
    const sha256 = digest.toString('hex');
    const key = blobKeyForSha256(sha256);
    // Re-putting equal bytes overwrites with identical content: same key, and a fresh LastModified that
    // restarts the orphan sweep's grace period for the row about to point at it.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.base + key,
        Body: buf,
        ContentType: contentType,
        ChecksumSHA256: digest.toString('base64'),
      }),
    );
    return { key, sha256, size: buf.length };
  }

  private async putStream(stream: Readable, contentType?: string): Promise<PutResult> {
    const hash = createHash('sha256');
    let size = 0;
    const hashed = (async function* () {
      for await (const chunk of stream) {
        const buf = chunkToBuffer(chunk);
        hash.update(buf);
        size += buf.length;
        yield buf;
      }
    })();
    // Read one part's worth first: a stream that ends within it is known by its hash and goes straight to
    // its key with one PutObject, like a buffer, with no temp object and no copy.
    const head: Buffer[] = [];
    while (size <= this.partSize) {
      const next = await hashed.next();
      if (next.done) return this.putBuffer(Buffer.concat(head, size), contentType, hash.digest('hex'));
      head.push(next.value);
    }
    const tempKey = `${this.base}tmp/${randomUUID()}`;
    const body = Readable.from(
      (async function* () {
        try {
          while (head.length > 0) yield head.shift()!;
          yield* hashed;
        } finally {
          // Upload gave up early: stop reading the source (ending the iteration destroys it).
          await hashed.return(undefined);
        }
      })(),
      { objectMode: false },
    );
    // queueSize 1: one part in memory and in flight at a time (the contract bounds the read-ahead to one
    // part). On any failure, the source stream's included, Upload aborts its multipart upload.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tempKey, Body: body, ContentType: contentType },
      partSize: this.partSize,
      queueSize: 1,
      leavePartsOnError: false,
    });
    await upload.done().catch((err: unknown) => {
      body.destroy();
      throw err;
    });
    const sha256 = hash.digest('hex');
    const key = blobKeyForSha256(sha256);
    try {
      const copyOpts = { maxCopyObjectBytes: this.maxCopyObjectBytes, partSize: this.partSize, contentType };
      await copyObject(this.client, this.bucket, tempKey, this.base + key, size, copyOpts);
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tempKey })).catch(() => {});
    }
    return { key, sha256, size };
  }

  private async getBody(key: string, range?: ByteRange) {
    assertBlobKey(key);
    const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.base + key, Range }));
      if (!res.Body) throw new Error(`S3 returned no body for ${key}`);
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      if (range && httpStatus(err) === 416) throw new InvalidRangeError(range);
      throw err;
    }
  }
}
