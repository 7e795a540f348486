import 'server-only';
import path from 'node:path';
import { configureBlobStore, getBlobStore, type BlobStore } from './storage';
import { env } from './env';

let configured = false;

/** The process-wide blob store, configured from the environment on first use (local disk unless BLOB_DRIVER=s3). */
export function blobs(): BlobStore {
  if (!configured) {
    configureBlobStore(() => {
      const e = env();
      if (e.BLOB_DRIVER === 'local') return { driver: 'local', root: path.resolve(e.BLOB_ROOT) };
      return {
        driver: 's3',
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION,
        bucket: e.S3_BUCKET,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        credentials:
          e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
            : undefined,
      };
    });
    configured = true;
  }
  return getBlobStore();
}

/** For tests that point the store at a fresh folder. */
export function resetBlobsForTests() {
  configured = false;
}
