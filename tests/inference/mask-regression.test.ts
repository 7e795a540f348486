import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { loadModel, releaseModels, segment } from '@/lib/server/inference';
import { PRODUCTION_MODEL, REAL_CASES, realCaseImages } from './model-fixture';

/**
 * The speed work on the pipeline (issue #27) must not change a single voxel: the production model's masks of the two
 * real cases, and the features and numbers the drift checks read, are pinned to what the code produced before it
 * (commit 7e054d9, sha256 of the raw bytes). Two thread counts and both placements of the network (its own worker
 * thread, the main thread): neither may change an output.
 */
const PINNED: Record<(typeof REAL_CASES)[number], { mask: string; features: string; volumesMl: string }> = {
  'TCGA-DU-7294': {
    mask: 'e9d36e0cad63e74b7730dfcdffdd8cae2e699322c2ca668676e34be32254b75d',
    features: 'b09c973de1e213aeb908370b2efe544430efac0ff1422d74eacc2b2815d0eaa5',
    volumesMl: '4f2cc987bf3457ca9d8bef12d33b970c5f5623b5f0e52ab1500973f8475a0f4a',
  },
  'TCGA-FG-6692': {
    mask: '37f3ca1bf408a0fa68c9c8e9cb588025b11c1c88a65690def5bb44f235b8fc46',
    features: 'cd4a756e91ef2d512ad9aee842c0cca0b97c0f6e907c04b5592b4539abdffe5f',
    volumesMl: 'd0e2caf43d511dccfe91e5622f6f91ee1f7034ed0c08a108d38feae90df286c7',
  },
};

const sha = (bytes: ArrayBufferView | string) =>
  createHash('sha256')
    .update(typeof bytes === 'string' ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest('hex');

async function caseVolumes(id: string) {
  const [T1N, T1C, T2W, T2F] = await Promise.all(realCaseImages(id).map((p) => readNiftiFile(p)));
  return { T1N, T1C, T2W, T2F };
}

const haveData = existsSync(`${PRODUCTION_MODEL}/model-card.json`) && existsSync(realCaseImages(REAL_CASES[0])[0]);

describe.skipIf(!haveData)('production masks are unchanged by the speed work', () => {
  afterAll(() => releaseModels());

  it.each(REAL_CASES)(
    '%s: mask, features and volumes match the pinned hashes',
    async (id) => {
      const volumes = await caseVolumes(id);
      for (const [threads, placement] of [
        [1, 'thread'],
        [2, 'thread'],
        [2, 'main'],
      ] as const) {
        const model = await loadModel(PRODUCTION_MODEL, { intraOpThreads: threads, placement });
        const r = await segment({ model, volumes });
        const got = { mask: sha(r.mask), features: sha(Float32Array.from(r.features)), volumesMl: sha(JSON.stringify(r.volumesMl)) };
        if (process.env.PRINT_PINNED) console.log(id, threads, placement, JSON.stringify(got));
        expect(got).toEqual(PINNED[id]);
      }
    },
    120_000,
  );
});
