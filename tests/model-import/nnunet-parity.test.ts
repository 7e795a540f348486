import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseModels } from '@/lib/server/inference';
import { pythonAvailable } from '../inference/model-fixture';
import {
  compareWithNnunet,
  importNnunet,
  nnunetMasks,
  nnunetTestModel,
  realParityCases,
  syntheticCases,
  type NnunetTestModel,
  type ParityCase,
} from './nnunet-fixture';

/**
 * An nnU-Net v2 model imported by `tumorwatch_train.importers nnunet` segments like nnU-Net itself: the TypeScript
 * pipeline's mask against nnUNetPredictor's (same trained-model folder) on both real cases and two synthetic ones,
 * >= 99.9% of voxels equal. The single-fold model (no mirroring) runs the real cases and a domain-A case; the
 * two-fold ensemble with mirroring runs a smaller synthetic case.
 */

const TARGET = 0.999;

/**
 * Building the test model (nnU-Net's planner, preprocessor and a short training loop) and running nnUNetPredictor on
 * two full-size real cases costs tens of minutes on 2 cores, over what `npm test` can spend: this test runs with
 * `npm run test:parity` (and `npm run bench:model-import` measures the same agreement). `npm test` keeps the
 * cheap bit-for-bit checks of the ported nnU-Net steps (nnunet-ports.test.ts) and the importer's tests.
 */
const HEAVY = process.env.TW_PARITY === '1';
if (!HEAVY) console.log('nnU-Net parity skipped in this run: npm run test:parity runs it (tens of minutes on 2 cores).');

describe.skipIf(!pythonAvailable() || !HEAVY)('nnU-Net import: TypeScript pipeline vs nnUNetPredictor', () => {
  let dir: string;
  let models: NnunetTestModel;
  let cases: { real: ParityCase[]; domainA: ParityCase; small: ParityCase };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nnunet-parity-'));
    models = await nnunetTestModel();
    const synthetic = await syntheticCases(path.join(dir, 'cases'));
    cases = { real: realParityCases(), ...synthetic };
  }, 900_000);

  afterAll(async () => {
    await releaseModels();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('single fold: both real cases and a domain-A case agree', async () => {
    const out = path.join(dir, 'single');
    const done = await importNnunet(models.single, out);
    expect(done).toMatchObject({ type: 'done', files: ['fold_0.onnx'] });
    const list = [...cases.real, cases.domainA];
    const reference = await nnunetMasks(models.single, list, path.join(dir, 'ref-single'));
    const got = await compareWithNnunet(out, list, reference);
    for (const c of list) {
      const a = got.get(c.name)!;
      console.log(`nnU-Net parity ${c.name}: ${(a.agreement * 100).toFixed(4)}% (${a.differing} of ${a.voxels} differ)`);
      expect(a.agreement, c.name).toBeGreaterThanOrEqual(TARGET);
    }
    // the test model's quality is reported, not asserted: 120 CPU iterations leave it far below WT Dice 0.8
    console.log(`nnU-Net test model WT Dice on ${cases.domainA.name}: ${got.get(cases.domainA.name)!.wtDice!.toFixed(3)}`);
  }, 900_000);

  it('two-fold ensemble with mirroring agrees on a synthetic case', async () => {
    const out = path.join(dir, 'ensemble');
    const done = await importNnunet(models.ensemble, out);
    expect(done).toMatchObject({ type: 'done', files: ['fold_0.onnx', 'fold_1.onnx'] });
    const reference = await nnunetMasks(models.ensemble, [cases.small], path.join(dir, 'ref-ensemble'));
    const a = (await compareWithNnunet(out, [cases.small], reference)).get(cases.small.name)!;
    console.log(
      `nnU-Net parity ${cases.small.name} (2 folds, mirrored): ${(a.agreement * 100).toFixed(4)}%, WT Dice ${a.wtDice?.toFixed(3)}`,
    );
    expect(a.agreement).toBeGreaterThanOrEqual(TARGET);
  }, 900_000);
});
