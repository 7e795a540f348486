import { existsSync, createReadStream as fsReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  InvalidRangeError,
  blobKeyForSha256,
  type BlobListEntry,
  type BlobStore,
  type BlobStoreConfig,
} from '@/lib/server/storage';
import { atomicityContract } from './contract-atomicity';
import { patternChunks, patternSha256, patternStream, readAll, sha256Hex, sha256OfStream } from './streams';

export interface Harness {
  store: BlobStore;
  /** The same store's configuration, for a child process that writes to it. */
  config: BlobStoreConfig;
  /** Temp state the driver holds (temp files; S3 temp objects and open multipart uploads). */
  tempArtifacts(): Promise<number>;
  /** Bytes those temp artifacts hold (for S3: uploaded parts), to know a killed writer had written some. */
  tempBytes(): Promise<number>;
  /** How far a streaming put may read ahead of its temp state: the driver's one buffered part, plus slack. */
  maxReadAhead: number;
  cleanup(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '../..');
const MiB = 1024 * 1024;
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function collect(it: AsyncIterable<BlobListEntry>): Promise<BlobListEntry[]> {
  const out: BlobListEntry[] = [];
  for await (const entry of it) out.push(entry);
  return out;
}

/** The behaviour every BlobStore driver must share; each driver's test file runs it against a real backend. */
export function blobStoreContract(makeHarness: () => Promise<Harness>): void {
  let h: Harness;
  let store: BlobStore;
  beforeEach(async () => {
    h = await makeHarness();
    store = h.store;
  });
  afterEach(async () => h.cleanup());

  describe('put / get', () => {
    it('round-trips bytes under a key derived from their SHA-256', async () => {
      const res = await store.put(Buffer.from('abc'), { contentType: 'text/plain' });
      expect(res).toEqual({ key: `sha256/ba/78/${ABC_SHA256}`, sha256: ABC_SHA256, size: 3 });
      expect(Buffer.from(await store.get(res.key)).toString()).toBe('abc');
      expect(await store.stat(res.key)).toEqual({ size: 3 });
      expect(await store.exists(res.key)).toBe(true);
    });

    it('stores the empty blob', async () => {
      const res = await store.put(new Uint8Array(0));
      expect(res).toEqual({ key: blobKeyForSha256(EMPTY_SHA256), sha256: EMPTY_SHA256, size: 0 });
      expect((await store.get(res.key)).length).toBe(0);
    });

    it('is idempotent: equal bytes, by buffer or by stream, give one key and one blob', async () => {
      const bytes = Buffer.concat([...patternChunks(300_000, 1)]);
      const a = await store.put(bytes);
      const b = await store.put(new Uint8Array(bytes));
      const c = await store.put(patternStream(300_000, 1));
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(a.sha256).toBe(sha256Hex(bytes));
      expect((await collect(store.list())).map((e) => e.key)).toEqual([a.key]);
    });

    it('hashes string chunks as UTF-8 bytes', async () => {
      const res = await store.put(Readable.from(['hello ', 'wörld']));
      expect(res.sha256).toBe(sha256Hex('hello wörld'));
      expect(res.size).toBe(Buffer.byteLength('hello wörld'));
    });

    it('streams a ~20 MB put and read without changing a byte', async () => {
      const size = 20 * MiB + 12_345;
      const res = await store.put(patternStream(size, 7), { contentType: 'application/octet-stream' });
      expect(res).toEqual({ key: blobKeyForSha256(patternSha256(size, 7)), sha256: patternSha256(size, 7), size });
      expect(await sha256OfStream(await store.createReadStream(res.key))).toEqual({ sha256: res.sha256, size });
      expect(await store.stat(res.key)).toEqual({ size });
      expect(await h.tempArtifacts()).toBe(0);
      // A range across the 8 MiB boundary, where an S3 upload switched parts.
      const expected = Buffer.concat([...patternChunks(size, 7)]).subarray(8 * MiB - 10, 8 * MiB + 10);
      expect(await readAll(await store.createReadStream(res.key, { start: 8 * MiB - 10, end: 8 * MiB + 9 }))).toEqual(expected);
    });

    it('writes a stream through as it reads it instead of buffering it whole', async () => {
      const size = 30 * MiB;
      let maxAhead = 0;
      let maxTemp = 0;
      const source = Readable.from(
        (async function* () {
          let sent = 0;
          for (const chunk of patternChunks(size, 5)) {
            if (sent % MiB === 0) {
              const temp = await h.tempBytes();
              maxTemp = Math.max(maxTemp, temp);
              maxAhead = Math.max(maxAhead, sent - temp);
            }
            sent += chunk.length;
            yield chunk;
          }
        })(),
        { objectMode: false },
      );
      expect((await store.put(source)).size).toBe(size);
      // The probe really saw the temp state grow (over 20 MiB of the 30 reached it before the end).
      expect(maxTemp).toBeGreaterThan(20 * MiB);
      expect(maxAhead).toBeLessThanOrEqual(h.maxReadAhead);
    });

    it('stores a real NIfTI volume with the digest of the file on disk', async (ctx) => {
      const file = path.resolve(repoRoot, '../shared/data/real/TCGA-DU-7294/images/flair.nii.gz');
      if (!existsSync(file)) ctx.skip();
      const res = await store.put(fsReadStream(file), { contentType: 'application/gzip' });
      expect(res.sha256).toBe(sha256Hex(readFileSync(file)));
      expect(Buffer.from(await store.get(res.key)).equals(readFileSync(file))).toBe(true);
    });
  });

  describe('range reads', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    let key: string;
    beforeEach(async () => {
      key = (await store.put(data)).key;
    });
    const read = async (start: number, end?: number) => readAll(await store.createReadStream(key, { start, end }));

    it('returns inclusive ranges, open-ended ranges, and clamps an end past the blob', async () => {
      expect(await read(0, 0)).toEqual(data.subarray(0, 1));
      expect(await read(100, 199)).toEqual(data.subarray(100, 200));
      expect(await read(990)).toEqual(data.subarray(990));
      expect(await read(995, 5000)).toEqual(data.subarray(995));
      expect(await readAll(await store.createReadStream(key))).toEqual(data);
    });

    it('rejects unsatisfiable or malformed ranges', async () => {
      await expect(store.createReadStream(key, { start: 1000 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.createReadStream(key, { start: 10, end: 9 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.createReadStream(key, { start: -1, end: 9 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.createReadStream(key, { start: 1.5 })).rejects.toBeInstanceOf(InvalidRangeError);
    });
  });

  describe('missing and invalid keys', () => {
    const missing = blobKeyForSha256(ABC_SHA256);

    it('reports a missing blob as null / false / BlobNotFoundError', async () => {
      expect(await store.stat(missing)).toBeNull();
      expect(await store.exists(missing)).toBe(false);
      await expect(store.get(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.createReadStream(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.createReadStream(missing, { start: 0, end: 1 })).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.delete(missing)).resolves.toBeUndefined();
    });

    it.each([
      '../../etc/passwd',
      '/etc/passwd',
      `sha256/ba/78/../../../${ABC_SHA256}`,
      `sha256/ba/78/${ABC_SHA256}/`,
      `sha256/ba/78/${ABC_SHA256.toUpperCase()}`,
      `sha256/00/78/${ABC_SHA256}`,
      `sha256/ba78/${ABC_SHA256}`,
      `tmp/${ABC_SHA256}`,
      ABC_SHA256,
      '',
    ])('rejects the key %j in every method', async (bad) => {
      await store.put(Buffer.from('abc'));
      for (const call of [
        () => store.get(bad),
        () => store.stat(bad),
        () => store.exists(bad),
        () => store.delete(bad),
        () => store.createReadStream(bad),
      ]) {
        await expect(call()).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      expect(await store.exists(blobKeyForSha256(ABC_SHA256))).toBe(true);
    });

    it('rejects list prefixes that could escape the store', async () => {
      await expect(collect(store.list('../'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(collect(store.list('sha256/../tmp'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });
  });

  describe('list / delete', () => {
    it('lists complete blobs by prefix with size and write time, and forgets deleted ones', async () => {
      const before = Date.now();
      const puts = await Promise.all([0, 1, 2, 3, 4].map((i) => store.put(Buffer.from(`blob ${i}`))));
      const all = await collect(store.list());
      expect(all.map((e) => e.key).sort()).toEqual(puts.map((p) => p.key).sort());
      for (const e of all) {
        expect(e.size).toBe(6);
        // S3 reports whole seconds.
        expect(e.modifiedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 2000);
      }
      const prefix = puts[0].key.slice(0, 'sha256/ab/'.length);
      const expected = puts
        .filter((p) => p.key.startsWith(prefix))
        .map((p) => p.key)
        .sort();
      expect((await collect(store.list(prefix))).map((e) => e.key).sort()).toEqual(expected);
      expect(await collect(store.list(`sha256/zz/`))).toEqual([]);

      await store.delete(puts[0].key);
      expect(await store.exists(puts[0].key)).toBe(false);
      expect((await collect(store.list())).map((e) => e.key)).not.toContain(puts[0].key);
    });
  });

  atomicityContract(() => h);
}
