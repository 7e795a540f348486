import 'server-only';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  ListPartsCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 rejects non-final parts below 5 MiB and uploads of more than 10 000 parts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** One multipart upload; parts are sent in order, one at a time, so memory stays at one part. */
export class MultipartUpload {
  private readonly parts: CompletedPart[] = [];

  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    readonly key: string,
    private readonly uploadId: string,
  ) {}

  static async start(client: S3Client, bucket: string, key: string, contentType?: string): Promise<MultipartUpload> {
    const res = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    if (!res.UploadId) throw new Error(`S3 returned no UploadId for ${key}`);
    return new MultipartUpload(client, bucket, key, res.UploadId);
  }

  async uploadPart(body: Buffer): Promise<void> {
    const PartNumber = this.nextPartNumber();
    const res = await this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber, Body: body }),
    );
    this.parts.push({ PartNumber, ETag: res.ETag });
  }

  /** Server-side copy of an inclusive byte range of `sourceKey` (same bucket) as the next part. */
  async copyPart(sourceKey: string, start: number, end: number): Promise<void> {
    const PartNumber = this.nextPartNumber();
    const res = await this.client.send(
      new UploadPartCopyCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.uploadId,
        PartNumber,
        CopySource: `${this.bucket}/${sourceKey}`,
        CopySourceRange: `bytes=${start}-${end}`,
      }),
    );
    this.parts.push({ PartNumber, ETag: res.CopyPartResult?.ETag });
  }

  /** The object appears under its key, whole, only now. */
  async complete(): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
  }

  async abort(): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }));
  }

  private nextPartNumber(): number {
    if (this.parts.length >= MAX_PARTS) throw new Error(`Upload of ${this.key} exceeds ${MAX_PARTS} parts`);
    return this.parts.length + 1;
  }
}

/**
 * Copies `from` to `to` inside one bucket, metadata (content type) included. CopyObject handles up to
 * `maxCopyObjectBytes` (S3's limit is 5 GiB); anything larger is copied part by part on the server.
 */
export async function copyObject(
  client: S3Client,
  bucket: string,
  from: string,
  to: string,
  size: number,
  opts: { maxCopyObjectBytes: number; partSize: number; contentType?: string },
): Promise<void> {
  if (size <= opts.maxCopyObjectBytes) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: `${bucket}/${from}` }));
    return;
  }
  const partSize = Math.max(opts.partSize, Math.ceil(size / MAX_PARTS));
  const upload = await MultipartUpload.start(client, bucket, to, opts.contentType);
  try {
    for (let start = 0; start < size; start += partSize) {
      await upload.copyPart(from, start, Math.min(start + partSize, size) - 1);
    }
    await upload.complete();
  } catch (err) {
    await upload.abort().catch(() => {});
    throw err;
  }
}

/**
 * Aborts multipart uploads under `prefix` whose newest part (or, with no parts, whose start) is older than
 * `cutoff`. Judging by the newest part, not the start, spares a long upload that is still making progress.
 */
export async function abortStaleUploads(client: S3Client, bucket: string, prefix: string, cutoff: number): Promise<number> {
  let aborted = 0;
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, UploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId) continue;
      const lastActivity = await lastPartTime(client, bucket, upload.Key, upload.UploadId, upload.Initiated);
      if (lastActivity >= cutoff) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      aborted++;
    }
    ({ NextKeyMarker: KeyMarker, NextUploadIdMarker: UploadIdMarker } = page);
    if (!page.IsTruncated) break;
  } while (KeyMarker);
  return aborted;
}

async function lastPartTime(client: S3Client, bucket: string, key: string, uploadId: string, initiated?: Date) {
  let latest = initiated?.getTime() ?? 0;
  // Paged by hand: the SDK paginator follows NextPartNumberMarker alone, and servers that return it on
  // the last page (moto does) would make it loop forever; IsTruncated is the authoritative stop.
  let PartNumberMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker }));
    for (const part of page.Parts ?? []) latest = Math.max(latest, part.LastModified?.getTime() ?? 0);
    if (!page.IsTruncated || !page.NextPartNumberMarker) return latest;
    PartNumberMarker = page.NextPartNumberMarker;
  }
}

/** Accumulates stream chunks until a part is full; holds at most one part plus one chunk. */
export class PartBuffer {
  private chunks: Buffer[] = [];
  length = 0;
  total = 0;

  push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
    this.total += buf.length;
  }

  take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return all.subarray(0, n);
  }
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  // A missing bucket is a configuration fault, not a missing blob: let it surface.
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(err) === 404;
}
