import { db } from '@/lib/server/db';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { addPrediction, createModel, createWorldUsers, dataset, erode, labelledCase, snapshot, truthMask } from './world';

/**
 * The evidence tests' world: a production model seg@1.0.0 that met a drifter and two physician flags in the clinic,
 * a retraining snapshot, a candidate seg@1.1.0 fine-tuned from it with a finished (passing) evaluation on a locked
 * hold-out. Built through the product's own evaluation code.
 */
export async function buildEvidenceWorld() {
  const users = await createWorldUsers();
  const production = await createModel('seg', '1.0.0', 'PRODUCTION');
  const holdout = [];
  for (let i = 0; i < 3; i++) {
    const truth = truthMask(i);
    const c = await labelledCase(users, `EVD-H-${i}`, truth);
    holdout.push({ ...c, truth });
    await addPrediction(c.caseId, production.id, 'PRODUCTION', erode(truth, 2));
  }
  await dataset(
    'holdout-internal',
    'HOLDOUT_INTERNAL',
    holdout.map((c) => c.caseId),
  );
  // what production met in the clinic: 2 training cases, one drifter (failing a named check), one flagged twice
  const train = [];
  for (let i = 0; i < 2; i++) {
    const truth = truthMask(i);
    const c = await labelledCase(users, `EVD-T-${i}`, truth);
    const p = await addPrediction(c.caseId, production.id, 'PRODUCTION', erode(truth, 3));
    if (i === 0)
      await db().driftReport.create({
        data: {
          caseId: c.caseId,
          predictionId: p.id,
          score: 3.5,
          isDrifter: true,
          reasons: ['x'],
          checks: [
            { kind: 'intensity.T1C.median', label: 'T1C median intensity', verdict: 'fail' },
            { kind: 'spacing', label: 'Voxel spacing', verdict: 'pass' },
          ],
        },
      });
    if (i === 1)
      for (const reason of ['MISSED_LESION', 'BOUNDARY'] as const)
        await db().flag.create({ data: { caseId: c.caseId, predictionId: p.id, userId: users.physician.id, reason } });
    train.push({ ...c, split: 'TRAIN', truth });
  }
  const snap = await snapshot(
    'retrain-evidence',
    train.map(({ caseId, versionId, split }) => ({ caseId, versionId, split })),
  );
  const run = await db().workflowRun.create({
    data: { kind: 'TRAINING', runner: 'LOCAL', status: 'SUCCEEDED', params: { trigger: 'drift', config: 'tiny' }, snapshotId: snap.id },
  });
  const cand = await db().modelVersion.create({
    data: {
      name: 'seg',
      version: '1.1.0',
      blobKey: 'none',
      sha256: 'a'.repeat(64),
      stage: 'CANDIDATE',
      parentId: production.id,
      snapshotId: snap.id,
      trainingRunId: run.id,
      codeVersion: 'abc123',
      card: {
        training: { config: { name: 'tiny', seed: 7 }, learningRate: 0.001 },
        architecture: { family: 'SegResNet' },
        onnx: { opset: 17 },
      },
    },
  });
  for (const c of [...holdout, ...train]) await addPrediction(c.caseId, cand.id, 'SHADOW', c.truth);
  await runEvaluation(cand.id);
  return { users, productionId: production.id, candidateId: cand.id };
}
