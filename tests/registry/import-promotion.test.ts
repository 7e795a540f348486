/**
 * An imported model goes through the product's own paths, with no special-casing: a card 2 with sigmoid regions
 * (MONAI's TC/WT/ET, painted in the brats2020 convention) is imported as PRODUCTION and serves cases; a second import
 * of the same network as a 2-member ensemble is a CANDIDATE that the evaluation runs (its ONNX members loaded from the
 * registry), passes the gate, serves hidden in shadow, takes canary traffic and is promoted with a signature.
 * The hold-out's approved ground truth is the production model's own masks, so an identical network passes the gate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { createCase } from '../labels/fixtures';
import { cardFor, writeGraphs } from './import-fixture';
import { createWorldUsers, dataset, ML_PASSWORD, type WorldUsers } from './world';
import { db } from '@/lib/server/db';
import { readPerCase } from '@/lib/server/evaluation/queries';
import { importModel } from '@/lib/server/registry/import';
import { serveCase } from '@/lib/server/serving/serve-case';
import { loadCaseGrid } from '@/lib/server/labels/grid';
import { readPredictionMask } from '@/lib/server/labels/store';
import { approveLabel, saveLabelVersion, submitForReview } from '@/lib/server/labels';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { promoteToCanary, promoteToProduction, promoteToShadow } from '@/lib/server/registry/promotion';
import type { ModelCard } from '@/lib/schemas/model-card';

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-promotion-'));
const single = path.join(dir, 'single');
const folds = path.join(dir, 'folds');
let bytes: Uint8Array;
let users: WorldUsers;

// TC, WT, ET from the mean of the four (z-scored) channels: nested thresholds give nested regions
const REGIONS = { weights: [[1, 1, 1, 1].map((w) => w * 0.5), [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.5, 0.5]], bias: [-1, 0, -2] };

/** MONAI's BraTS bundle output: sigmoid TC, WT, ET, threshold 0.5, painted WT -> 2, TC -> 1, ET -> 4 (brats2020). */
const sigmoidRegions = (c: ModelCard) => {
  c.output.kind = 'sigmoid';
  c.output.labelMap = 'brats2020';
  c.output.classes = ['TC', 'WT', 'ET'].map((name, index) => ({ index, name, threshold: 0.5 }));
  c.output.paint = [
    { channel: 1, label: 2 },
    { channel: 0, label: 1 },
    { channel: 2, label: 4 },
  ];
  c.postprocessing.activation = 'sigmoid';
  delete c.postprocessing.argmax;
};

beforeAll(async () => {
  users = await createWorldUsers();
  fs.mkdirSync(single);
  fs.mkdirSync(folds);
  bytes = (await writeGraphs(single, [{ name: 'segresnet', ...REGIONS }])).segresnet;
  // the same network twice: an ensemble whose average is the network itself
  for (const f of ['fold-0.onnx', 'fold-1.onnx']) fs.writeFileSync(path.join(folds, f), bytes);
}, 120_000);

async function servedCase(externalId: string) {
  const caseId = await createCase(externalId, { prediction: false });
  await serveCase(caseId);
  return caseId;
}

describe('an imported sigmoid-region model in the product cycle', () => {
  let production = '';
  let candidate = '';
  const holdout: string[] = [];

  it('registers as production and serves cases in product labels', async () => {
    const card = cardFor([{ file: 'segresnet.onnx', bytes }], { name: 'monai-brats', change: sigmoidRegions });
    const m = await importModel(users.ml, { format: 'onnx', source: single, card, stage: 'PRODUCTION', via: 'cli' });
    production = m.id;
    for (let i = 0; i < 3; i++) holdout.push(await servedCase(`IMP-HOLDOUT-${i}`));
    for (const caseId of holdout) {
      const shown = await db().prediction.findFirstOrThrow({ where: { caseId, returned: true } });
      expect(shown.modelVersionId).toBe(production);
      const labels = new Set(await readPredictionMask(shown, await loadCaseGrid(db(), caseId)));
      expect([...labels].sort()).toEqual([0, 1, 2, 3]); // ET painted as 4 in brats2020, shown as the product's 3
    }
  });

  it('a second import as a 2-member ensemble passes the evaluation gate, computed by running its ONNX members', async () => {
    for (const caseId of holdout) {
      const shown = await db().prediction.findFirstOrThrow({ where: { caseId, returned: true } });
      const mask = await readPredictionMask(shown, await loadCaseGrid(db(), caseId));
      const v = await saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: null, mask, source: 'EDIT', message: 'truth' });
      await submitForReview({ actor: users.rad1, caseId, versionId: v.id });
      await approveLabel({ actor: users.rad2, caseId, versionId: v.id });
    }
    await dataset('imported-holdout', 'HOLDOUT_INTERNAL', holdout);
    const files = ['fold-0.onnx', 'fold-1.onnx'].map((file) => ({ file, bytes }));
    const card = cardFor(files, { name: 'monai-brats', version: '1.1.0', change: sigmoidRegions });
    candidate = (await importModel(users.ml, { format: 'onnx', source: folds, card, via: 'upload' })).id;
    const { verdict, evaluationId } = await runEvaluation(candidate);
    expect(verdict).toBe('PASS');
    // the candidate's masks were computed by its ONNX members, not read from stored predictions
    const { records } = await readPerCase(evaluationId);
    expect(records.map((r) => r.candidate.source)).toEqual(holdout.map(() => 'inference'));
  }, 300_000);

  it('serves hidden in shadow, takes canary traffic and is promoted with a signature; production is archived', async () => {
    await promoteToShadow(users.ml, { modelVersionId: candidate, reason: 'imported ensemble passed the gate' });
    const shadowCase = await servedCase('IMP-SHADOW');
    const roles = await db().prediction.findMany({
      where: { caseId: shadowCase },
      select: { role: true, modelVersionId: true, returned: true },
    });
    expect(roles).toContainEqual({ role: 'SHADOW', modelVersionId: candidate, returned: false });

    await promoteToCanary(users.ml, { modelVersionId: candidate, trafficPercent: 50, reason: 'shadow agreed' });
    // the canary's share is chosen by a hash of the case id (random here): serve until it has answered twice
    const canaryServed: string[] = [];
    for (let i = 0; i < 20 && canaryServed.length < 2; i++) {
      const caseId = await servedCase(`IMP-CANARY-${i}`);
      const shown = await db().prediction.findFirstOrThrow({ where: { caseId, returned: true } });
      if (shown.modelVersionId === candidate) canaryServed.push(caseId);
    }
    expect(canaryServed).toHaveLength(2);

    await promoteToProduction(users.ml, {
      modelVersionId: candidate,
      password: ML_PASSWORD,
      reason: 'canary healthy',
      confirmShortCanary: true,
    });
    const stages = Object.fromEntries((await db().modelVersion.findMany()).map((m) => [m.id, m.stage]));
    expect(stages).toEqual({ [production]: 'ARCHIVED', [candidate]: 'PRODUCTION' });
    const after = await servedCase('IMP-AFTER');
    expect((await db().prediction.findFirstOrThrow({ where: { caseId: after, returned: true } })).modelVersionId).toBe(candidate);
  }, 300_000);
});
