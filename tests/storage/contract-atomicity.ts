import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { blobKeyForSha256, type BlobListEntry } from '@/lib/server/storage';
import type { Harness } from './contract';
import { failingStream, patternChunks, patternSha256 } from './streams';

const repoRoot = path.resolve(__dirname, '../..');
const MiB = 1024 * 1024;

async function collect(it: AsyncIterable<BlobListEntry>): Promise<BlobListEntry[]> {
  const out: BlobListEntry[] = [];
  for await (const entry of it) out.push(entry);
  return out;
}

/** A blob is visible whole or not at all: failed, in-flight and killed writes leave only temp state. */
export function atomicityContract(harness: () => Harness): void {
  describe('atomicity', () => {
    let h: Harness;
    beforeEach(() => {
      h = harness();
    });
    const size = 20 * MiB;
    const fullKey = () => blobKeyForSha256(patternSha256(size, 3));

    it('a stream failing halfway rejects the put and leaves nothing visible or temporary', async () => {
      await expect(h.store.put(failingStream(size, 3, 12 * MiB))).rejects.toThrow('client went away');
      expect(await h.store.exists(fullKey())).toBe(false);
      expect(await collect(h.store.list())).toEqual([]);
      expect(await h.tempArtifacts()).toBe(0);
    });

    it('a blob is invisible while its upload is in progress, and whole once put resolves', async () => {
      const input = new PassThrough();
      const pending = h.store.put(input);
      const chunks = patternChunks(size, 3);
      for (let sent = 0; sent < 9 * MiB;) {
        const chunk = chunks.next().value as Buffer;
        sent += chunk.length;
        if (!input.write(chunk)) await new Promise((r) => input.once('drain', r));
      }
      await vi.waitFor(async () => expect(await h.tempArtifacts()).toBeGreaterThan(0), { timeout: 30_000 });
      expect(await h.store.exists(fullKey())).toBe(false);
      expect(await collect(h.store.list())).toEqual([]);
      for (const chunk of chunks) if (!input.write(chunk)) await new Promise((r) => input.once('drain', r));
      input.end();
      expect(await pending).toMatchObject({ key: fullKey(), size });
      expect(await h.store.stat(fullKey())).toEqual({ size });
    });

    it('a process killed mid-write leaves only temp state, which sweepTemp removes once stale', async () => {
      // node with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild that a kill misses.
      const args = ['--import', 'tsx', '--conditions=react-server', path.join(__dirname, 'crash-writer.ts')];
      const child = spawn(process.execPath, [...args, JSON.stringify(h.config)], { cwd: repoRoot, stdio: 'inherit' });
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
      try {
        await vi.waitFor(async () => expect(await h.tempBytes()).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
      } finally {
        child.kill('SIGKILL');
      }
      expect(await exited).toBe('SIGKILL');
      expect(await collect(h.store.list())).toEqual([]);
      const leftovers = await h.tempArtifacts();
      expect(leftovers).toBeGreaterThan(0);
      expect(await h.store.sweepTemp(60 * 60_000)).toBe(0);
      expect(await h.tempArtifacts()).toBe(leftovers);
      // A negative age puts the cutoff in the future: everything counts as stale.
      expect(await h.store.sweepTemp(-60_000)).toBe(leftovers);
      expect(await h.tempArtifacts()).toBe(0);
    });
  });
}
