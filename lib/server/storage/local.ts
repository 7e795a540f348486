import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { dirsToSync, fsyncDir, isErrno, readdirOrEmpty, writeAll } from './fs-utils';
import { assertBlobKey, assertListPrefix, assertRangeShape, blobKeyForSha256, chunkToBuffer, isBlobKey } from './keys';
import { BlobNotFoundError, InvalidRangeError, type BlobListEntry, type BlobStore, type ByteRange, type PutResult } from './types';

export interface LocalBlobStoreOptions {
  /** Resolved against the working directory; default `data/blobs`. */
  root?: string;
}

/**
 * Blobs as files `<root>/sha256/ab/cd/<hex>`. Writes go to `<root>/tmp/<uuid>` (same filesystem, so the
 * rename is atomic), are fsynced, then renamed into place and the directory fsynced: once `put` resolves
 * the blob survives a power cut, and a crash before that leaves only a temp file for `sweepTemp`.
 */
export class LocalBlobStore implements BlobStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(opts: LocalBlobStoreOptions = {}) {
    this.root = path.resolve(opts.root ?? 'data/blobs');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  async put(data: Uint8Array | Readable): Promise<PutResult> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, randomUUID());
    const fh = await open(tmp, 'wx');
    let writing = true;
    try {
      const hash = createHash('sha256');
      let size = 0;
      // A Uint8Array is written as one chunk; a stream is hashed and written chunk by chunk, never buffered.
      for await (const chunk of data instanceof Uint8Array ? [data] : data) {
        const buf = chunkToBuffer(chunk);
        hash.update(buf);
        size += buf.length;
        await writeAll(fh, buf);
      }
      await fh.sync();
      await fh.close();
      writing = false;
      const sha256 = hash.digest('hex');
      const key = blobKeyForSha256(sha256);
      await this.publish(tmp, this.pathOf(key));
      return { key, sha256, size };
    } catch (err) {
      if (writing) await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    assertBlobKey(key);
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      throw isErrno(err, 'ENOENT') ? new BlobNotFoundError(key) : err;
    }
  }

  async createReadStream(key: string, range?: ByteRange): Promise<Readable> {
    assertBlobKey(key);
    if (range) assertRangeShape(range);
    // Open before returning so a missing blob rejects here (a 404) instead of erroring mid-response.
    let fh: FileHandle;
    try {
      fh = await open(this.pathOf(key), 'r');
    } catch (err) {
      throw isErrno(err, 'ENOENT') ? new BlobNotFoundError(key) : err;
    }
    if (!range) return fh.createReadStream();
    try {
      const { size } = await fh.stat();
      if (range.start >= size) throw new InvalidRangeError(range, size);
      return fh.createReadStream({ start: range.start, end: Math.min(range.end ?? size - 1, size - 1) });
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    assertBlobKey(key);
    try {
      const s = await stat(this.pathOf(key));
      return { size: s.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await unlink(this.pathOf(key)).catch((err) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }

  async *list(prefix = ''): AsyncGenerator<BlobListEntry> {
    assertListPrefix(prefix);
    yield* this.walk('sha256', prefix);
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      // mtime moves with every write, so a slow but live upload is not swept while it progresses.
      const s = await stat(file).catch(() => null);
      if (!s || s.mtimeMs >= cutoff) continue;
      await unlink(file).then(
        () => removed++,
        (err) => {
          if (!isErrno(err, 'ENOENT')) throw err;
        },
      );
    }
    return removed;
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private async publish(tmp: string, final: string): Promise<void> {
    const dir = path.dirname(final);
    const created = await mkdir(dir, { recursive: true });
    if (
      await stat(final).then(
        () => true,
        () => false,
      )
    ) {
      // Same bytes already stored. Refresh mtime so an orphan sweep's grace period restarts: the caller
      // is about to commit a row pointing at this blob.
      await unlink(tmp);
      const now = new Date();
      await utimes(final, now, now);
      return;
    }
    await rename(tmp, final);
    // The rename (and any new directories) must be durable before the caller commits its DB row.
    for (const d of dirsToSync(dir, created)) await fsyncDir(d);
  }

  private async *walk(rel: string, prefix: string): AsyncGenerator<BlobListEntry> {
    const entries = await readdir(path.join(this.root, rel), { withFileTypes: true }).catch((err) => {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      if (entry.isFile() && isBlobKey(child) && child.startsWith(prefix)) {
        const s = await stat(path.join(this.root, rel, entry.name)).catch(() => null);
        if (s) yield { key: child, size: s.size, modifiedAt: s.mtime };
      } else if (entry.isDirectory() && (prefix.startsWith(`${child}/`) || `${child}/`.startsWith(prefix))) {
        yield* this.walk(child, prefix);
      }
    }
  }
}
