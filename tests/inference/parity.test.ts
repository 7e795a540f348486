import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { loadModel, releaseModels, segment, type LoadedModel } from '@/lib/server/inference';
import { pythonAvailable, REAL_CASES, realCaseImages, resolveModel, trainerCli, type ModelFixture } from './model-fixture';
import { writeReorientedCase } from './reoriented-case';

/**
 * Faithfulness: the TypeScript pipeline against the trainer's reference prediction (`tumorwatch_train predict`, the
 * PyTorch model through the sliding window that reproduces MONAI's) on the two real cases. The reference is the
 * production model when committed, else a tiny model trained in beforeAll: an untrained network labels most of the
 * brain with a patchwork of classes, so nearly every voxel sits near a decision boundary, a harsher test than a
 * trained model's confident output.
 */

const haveData = REAL_CASES.every((id) => realCaseImages(id).every(existsSync));

describe.skipIf(!pythonAvailable() || !haveData)('TypeScript pipeline vs the PyTorch reference (real cases)', () => {
  let fixture: ModelFixture;
  let model: LoadedModel;
  let tmp: string;

  beforeAll(async () => {
    fixture = await resolveModel();
    model = await loadModel(fixture.dir);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'inference-parity-'));
  }, 300_000);

  afterAll(async () => {
    await releaseModels();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Reference prediction and TypeScript prediction of one case; asserts the agreement and returns it. */
  async function compare(label: string, images: string[]) {
    const refPath = path.join(tmp, `${label}-reference.nii.gz`);
    const ref = await trainerCli(['predict', '--model', fixture.dir, '--case', ...images, '--out', refPath, '--backend', fixture.backend]);
    const [T1N, T1C, T2W, T2F] = await Promise.all(images.map((p) => readNiftiFile(p)));
    const got = await segment({ model, volumes: { T1N, T1C, T2W, T2F } });

    const want = await readNiftiFile(refPath);
    expect(got.dims).toEqual(want.dims);
    const n = want.data.length;
    let same = 0;
    const perLabel = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      if (want.data[i] === got.mask[i]) same++;
      perLabel[got.mask[i]]++;
    }
    const agreement = same / n;
    console.info(
      `[parity] ${label} (${fixture.kind} model, ${fixture.backend} reference): ${(agreement * 100).toFixed(5)}% of ${n} voxels agree, ${n - same} differ; TS labels ${perLabel.join('/')}`,
    );
    expect(agreement).toBeGreaterThanOrEqual(0.999);
    expect(perLabel[0]).toBeLessThan(n); // a mask of only background would make the comparison vacuous

    const geometry = ref.geometry as Record<string, unknown>;
    expect(got.geometry).toMatchObject({
      orientation: geometry.orientation,
      rasShape: geometry.rasShape,
      cropLo: geometry.cropLo,
      cropHi: geometry.cropHi,
      resampledShape: geometry.resampledShape,
    });
    const refFeatures = ref.features as number[];
    expect(got.features).toHaveLength(refFeatures.length);
    const featureDiff = Math.max(...got.features.map((v, i) => Math.abs(v - refFeatures[i])));
    expect(featureDiff).toBeLessThan(1e-3); // the card's ONNX-vs-PyTorch tolerance
    const refVolumes = ref.volumesMl as Record<string, number>;
    const voxelMl = want.spacing.reduce((a, b) => a * b, 1) / 1000;
    for (const [region, ml] of Object.entries(got.volumesMl))
      expect(Math.abs(ml - refVolumes[region])).toBeLessThanOrEqual((n - same) * voxelMl + 1e-9);
    return got;
  }

  it.each(REAL_CASES)(
    '%s: masks agree in >= 99.9% of voxels; features, volumes and geometry match',
    async (id) => {
      const got = await compare(id, realCaseImages(id));
      expect(got.geometry.orientation).toBe('LPS');
    },
    300_000,
  );

  it('the same on a permuted, flipped, anisotropic grid (TCGA-DU-7294 rewritten)', async () => {
    const images = await writeReorientedCase(realCaseImages(REAL_CASES[0]), tmp);
    const got = await compare('reoriented', images);
    expect(got.geometry.orientation).toBe('ILA'); // the storage order this fixture writes
  }, 300_000);

  it('caches one session per model version', async () => {
    const again = await loadModel(fixture.dir);
    expect(again).toBe(model);
    expect(await again.session()).toBe(await model.session());
  });
});
