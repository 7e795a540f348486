/**
 * The flip test-time augmentation through the real pipeline and the committed production model, on a small
 * generated case: the wrapper's identity flip reproduces the served mask voxel for voxel (so a flipped run differs
 * only by the flip), a real flip gives a disagreement in [0, 1], and the model's own card is untouched by it.
 */
import { describe, expect, it } from 'vitest';
import { loadModel, segment } from '@/lib/server/inference';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { defaultFlips, flippedModel, flipStats } from '@/lib/server/drift/agnostic/flip';
import type { CaseVolumes } from '@/lib/server/inference/preprocess';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

const GRID = { dims: [96, 96, 64] as [number, number, number], spacing: [2, 2, 2] as [number, number, number] };

function volumesOf(id: string): CaseVolumes {
  const g = generateCase({ caseId: id, seed: 'flip-test', domain: 'A', grid: GRID });
  const v = (m: 'T1N' | 'T1C' | 'T2W' | 'T2F') => ({ dims: g.dims, affine: g.affine, data: g.images[m]!, affineSource: 'sform' as const });
  return { T1N: v('T1N'), T1C: v('T1C'), T2W: v('T2W'), T2F: v('T2F') };
}

describe('flip test-time augmentation on the production model', () => {
  it('reproduces the mask exactly without a flip, and measures a bounded disagreement with one', async () => {
    const model = await loadModel(PRODUCTION_MODEL_DIR);
    expect(defaultFlips(model.card)).toEqual([[0]]); // the card mirrors nothing: left-right by default
    const volumes = volumesOf('FLIP-1');
    const served = await segment({ model, volumes });
    expect(served.volumesMl.WT).toBeGreaterThan(0);
    const identity = await segment({ model: flippedModel(model, []), volumes });
    expect(Buffer.compare(Buffer.from(identity.mask), Buffer.from(served.mask))).toBe(0);
    const s = await flipStats(model, volumes, served.mask, [[0]]);
    expect(s.passes).toBe(1);
    expect(s.disagreement).toBeGreaterThanOrEqual(0);
    expect(s.disagreement).toBeLessThan(0.5); // a model that segments the case keeps most of it under a flip
    expect(s.nesting).toBeNull(); // softmax: nothing to count
    expect(model.card.inference.mirrorAxes).toEqual([]); // the wrapper copied the card, the model's own is untouched
  }, 120_000);
});
