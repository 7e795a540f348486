import 'server-only';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

// What the S3 driver needs beyond uploading, which `Upload` from @aws-sdk/lib-storage does for it:
// - a server-side copy (lib-storage only sends bytes it is given; a blob's final key is known only after
//   its last byte, so a large stream is uploaded to a temp key and copied);
// - a sweep of multipart uploads a killed process left open (lib-storage aborts only its own failures);
// - telling a missing object from other S3 errors.

/** S3 refuses multipart uploads of more than 10 000 parts. */
const MAX_PARTS = 10_000;

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
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ContentType: opts.contentType }));
  if (!created.UploadId) throw new Error(`S3 returned no UploadId for ${to}`);
  const target = { Bucket: bucket, Key: to, UploadId: created.UploadId };
  try {
    const Parts: CompletedPart[] = [];
    for (let start = 0; start < size; start += partSize) {
      const PartNumber = Parts.length + 1;
      const CopySourceRange = `bytes=${start}-${Math.min(start + partSize, size) - 1}`;
      const res = await client.send(new UploadPartCopyCommand({ ...target, PartNumber, CopySource: `${bucket}/${from}`, CopySourceRange }));
      Parts.push({ PartNumber, ETag: res.CopyPartResult?.ETag });
    }
    // The object appears under its key, whole, only now.
    await client.send(new CompleteMultipartUploadCommand({ ...target, MultipartUpload: { Parts } }));
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand(target)).catch(() => {});
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
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, UploadIdMarker }));
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

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  // A missing bucket is a configuration fault, not a missing blob: let it surface.
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(err) === 404;
}
