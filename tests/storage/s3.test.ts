import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore, createBlobStore, type S3BlobStoreOptions } from '@/lib/server/storage';
import { MOTO_SERVER_BIN, motoAvailable, startMoto, type MotoServer } from '../support/moto';
import { blobStoreContract } from './contract';
import { patternSha256, patternStream, sha256OfStream } from './streams';

const MiB = 1024 * 1024;
const bucket = 'tumorwatch-test';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const haveMoto = motoAvailable();
if (!haveMoto) {
  console.warn(`[storage] ${MOTO_SERVER_BIN} not found: S3 driver suite skipped (CI installs moto[server] in .venv)`);
}

describe.skipIf(!haveMoto)('S3BlobStore against a moto S3 server', () => {
  let moto: MotoServer;
  let admin: S3Client;
  let runs = 0;
  // Each test gets its own key prefix in one bucket: isolation without a bucket per test.
  const options = (extra: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions => ({
    bucket,
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    prefix: `run${++runs}/`,
    ...extra,
  });

  beforeAll(async () => {
    moto = await startMoto();
    admin = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    admin?.destroy();
    await moto?.stop();
  });

  async function tempArtifacts(prefix: string): Promise<number> {
    const Prefix = `${prefix}tmp/`;
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix }));
    const objects = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }));
    return (uploads.Uploads?.length ?? 0) + (objects.KeyCount ?? 0);
  }

  async function tempBytes(prefix: string): Promise<number> {
    const Prefix = `${prefix}tmp/`;
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix }));
    const objects = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }));
    let bytes = (objects.Contents ?? []).reduce((sum, o) => sum + (o.Size ?? 0), 0);
    for (const u of uploads.Uploads ?? []) {
      const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
      bytes += (parts.Parts ?? []).reduce((sum, p) => sum + (p.Size ?? 0), 0);
    }
    return bytes;
  }

  blobStoreContract(async () => {
    const opts = options();
    const store = createBlobStore({ driver: 's3', ...opts });
    return {
      store,
      config: { driver: 's3', ...opts },
      tempArtifacts: () => tempArtifacts(opts.prefix!),
      tempBytes: () => tempBytes(opts.prefix!),
      // One 8 MiB part accumulates before it is sent.
      maxReadAhead: 9 * MiB,
      cleanup: () => store.close(),
    };
  });

  describe('driver specifics', () => {
    it('copies a stream larger than maxCopyObjectBytes from its temp key part by part', async () => {
      const opts = options({ maxCopyObjectBytes: 6 * MiB });
      const store = new S3BlobStore(opts);
      try {
        const size = 20 * MiB + 1;
        const res = await store.put(patternStream(size, 11));
        expect(res).toMatchObject({ sha256: patternSha256(size, 11), size });
        expect(await sha256OfStream(await store.createReadStream(res.key))).toEqual({ sha256: res.sha256, size });
        expect(await tempArtifacts(opts.prefix!)).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('keeps the content type on single and multipart puts, under the configured prefix', async () => {
      const opts = options();
      const store = new S3BlobStore(opts);
      try {
        const small = await store.put(Buffer.from('{"a":1}'), { contentType: 'application/json' });
        const large = await store.put(patternStream(9 * MiB, 12), { contentType: 'application/gzip' });
        const head = (key: string) => admin.send(new HeadObjectCommand({ Bucket: bucket, Key: opts.prefix + key }));
        expect((await head(small.key)).ContentType).toBe('application/json');
        expect((await head(large.key)).ContentType).toBe('application/gzip');
      } finally {
        await store.close();
      }
    });

    it('rejects a part size below the S3 minimum and a prefix without a trailing slash', () => {
      expect(() => new S3BlobStore(options({ partSize: MiB }))).toThrow(/partSize/);
      expect(() => new S3BlobStore(options({ prefix: 'blobs' }))).toThrow(/prefix/);
      expect(() => new S3BlobStore(options({ prefix: '../' }))).toThrow(/prefix/);
    });

    it('surfaces a missing bucket as an error rather than a missing blob', async () => {
      const store = new S3BlobStore(options({ bucket: 'no-such-bucket' }));
      try {
        await expect(store.get(`sha256/00/00/${'0'.repeat(64)}`)).rejects.toMatchObject({ name: 'NoSuchBucket' });
      } finally {
        await store.close();
      }
    });
  });
});
