import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidBlobKeyError,
  LocalBlobStore,
  S3BlobStore,
  blobKeyForSha256,
  configureBlobStore,
  createBlobStore,
  getBlobStore,
  sha256OfKey,
} from '@/lib/server/storage';

describe('createBlobStore / getBlobStore', () => {
  const roots: string[] = [];
  const tempRoot = async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tw-blobs-'));
    roots.push(root);
    return root;
  };
  afterEach(async () => {
    await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
  });

  it('refuses to guess a configuration (env.ts owns it)', () => {
    expect(() => getBlobStore()).toThrow(/not configured/);
  });

  it('chooses the driver from the config', async () => {
    const root = await tempRoot();
    const local = createBlobStore({ driver: 'local', root });
    expect(local).toBeInstanceOf(LocalBlobStore);
    expect((local as LocalBlobStore).root).toBe(root);
    const s3 = createBlobStore({ driver: 's3', bucket: 'b', endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
    expect(s3).toBeInstanceOf(S3BlobStore);
    await s3.close();
  });

  it('builds the shared store lazily from the configured loader, once, until reconfigured', async () => {
    const [a, b] = [await tempRoot(), await tempRoot()];
    let loads = 0;
    configureBlobStore(() => {
      loads++;
      return { driver: 'local', root: a };
    });
    expect(loads).toBe(0);
    const first = getBlobStore();
    expect(getBlobStore()).toBe(first);
    expect(loads).toBe(1);
    const { key } = await first.put(Buffer.from('x'));

    configureBlobStore({ driver: 'local', root: b });
    const second = getBlobStore();
    expect(second).not.toBe(first);
    expect(await second.exists(key)).toBe(false);
  });
});

describe('keys', () => {
  it('maps a digest to its key and back, and refuses anything but lower-case hex digests', () => {
    const hex = 'ab'.repeat(32);
    expect(blobKeyForSha256(hex)).toBe(`sha256/ab/ab/${hex}`);
    expect(sha256OfKey(`sha256/ab/ab/${hex}`)).toBe(hex);
    expect(() => blobKeyForSha256('AB'.repeat(32))).toThrow(InvalidBlobKeyError);
    expect(() => blobKeyForSha256('../'.repeat(21) + 'a')).toThrow(InvalidBlobKeyError);
    expect(() => sha256OfKey(`sha256/ab/ac/${hex}`)).toThrow(InvalidBlobKeyError);
  });
});
