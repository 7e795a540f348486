import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '@/lib/server/storage';
import { blobStoreContract } from './contract';

const tempFiles = async (root: string) => (await readdir(path.join(root, 'tmp')).catch(() => [])).length;

async function tempBytes(root: string): Promise<number> {
  const names = await readdir(path.join(root, 'tmp')).catch(() => []);
  const sizes = await Promise.all(
    names.map((n) =>
      stat(path.join(root, 'tmp', n)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

describe('LocalBlobStore', () => {
  blobStoreContract(async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tw-blobs-'));
    return {
      store: new LocalBlobStore({ root }),
      config: { driver: 'local', root },
      tempArtifacts: () => tempFiles(root),
      tempBytes: () => tempBytes(root),
      maxReadAhead: 1024 * 1024,
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  });

  describe('on disk', () => {
    let root: string;
    let store: LocalBlobStore;
    beforeEach(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'tw-blobs-'));
      store = new LocalBlobStore({ root });
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    it('defaults to data/blobs under the working directory', () => {
      expect(new LocalBlobStore().root).toBe(path.resolve('data/blobs'));
    });

    it('lays a blob out as sha256/ab/cd/<hex> with no temp file left', async () => {
      const { key, sha256 } = await store.put(Buffer.from('volume'));
      const file = path.join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
      expect(key).toBe(path.relative(root, file).split(path.sep).join('/'));
      expect((await stat(file)).size).toBe(6);
      expect(await tempFiles(root)).toBe(0);
    });

    it('re-putting existing bytes refreshes the write time the orphan sweep relies on', async () => {
      const { key } = await store.put(Buffer.from('volume'));
      const file = path.join(root, ...key.split('/'));
      const old = new Date(Date.now() - 3_600_000);
      await utimes(file, old, old);
      await store.put(Buffer.from('volume'));
      expect((await stat(file)).mtimeMs).toBeGreaterThan(old.getTime() + 1_000);
    });

    it('sweeps only temp files older than the cutoff, never blobs', async () => {
      const { key } = await store.put(Buffer.from('keep me'));
      await mkdir(path.join(root, 'tmp'), { recursive: true });
      const stale = path.join(root, 'tmp', 'stale');
      await writeFile(stale, 'half a volume');
      await writeFile(path.join(root, 'tmp', 'fresh'), 'in progress');
      const old = new Date(Date.now() - 2 * 3_600_000);
      await utimes(stale, old, old);
      expect(await store.sweepTemp(3_600_000)).toBe(1);
      expect(await readdir(path.join(root, 'tmp'))).toEqual(['fresh']);
      expect(await store.exists(key)).toBe(true);
    });

    it('ignores stray files that are not blob keys when listing', async () => {
      const { key } = await store.put(Buffer.from('real'));
      await writeFile(path.join(root, 'sha256', key.split('/')[1], 'notes.txt'), 'x');
      await writeFile(path.join(root, 'sha256', 'README'), 'x');
      const keys: string[] = [];
      for await (const e of store.list()) keys.push(e.key);
      expect(keys).toEqual([key]);
    });
  });
});
