import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { resetBlobsForTests } from '@/lib/server/blobs';
import { resetEnvCache } from '@/lib/server/env';

/** A fresh local blob root for the current test file (set before the first use of blobs()). */
export function useTestBlobs() {
  const state: { root?: string } = {};
  beforeAll(() => {
    state.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-blobs-'));
    process.env.BLOB_ROOT = state.root;
    process.env.BLOB_DRIVER = 'local';
    resetEnvCache();
    resetBlobsForTests();
  });
  afterAll(() => state.root && fs.rmSync(state.root, { recursive: true, force: true }));
  return state;
}

/** Every stored blob file (ignoring the temp folder). */
export function listBlobFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'tmp') continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(root);
  return out;
}
