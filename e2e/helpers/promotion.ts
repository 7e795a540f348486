/**
 * Server-side set-up for e2e/promotion.spec.ts, run with tsx against the e2e database:
 *
 *   DATABASE_URL=file:./data/e2e/e2e.db BLOB_ROOT=data/e2e/blobs \
 *     npx tsx --conditions=react-server e2e/helpers/promotion.ts seed
 *     npx tsx --conditions=react-server e2e/helpers/promotion.ts traffic <modelVersionId> SHADOW|CANARY <n>
 *
 * `seed` registers the model (models/tumorwatch-seg-1.0.0, or the trainer's tiny model) as production when none is,
 * and the same network under new versions as two CANDIDATEs, builds its own labelled cases (approved by the demo
 * radiologists), a locked hold-out, a drifter hold-out and a training snapshot with a drifter and a flagged case,
 * stores each model's masks as predictions (so no network runs in the browser test), and runs the real evaluation
 * job code: one candidate passes, the other (empty masks) fails. `traffic` simulates serving: new cases answered by
 * production and the shadow/canary model, with agreement recorded as the serving job would. Prints one JSON line.
 */
import crypto from 'node:crypto';
import { db, disconnectDb } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { loadCaseGrid } from '@/lib/server/labels/grid';
import { encodeMask } from '@/lib/server/labels/mask-codec';
import { approveLabel, readLabelVersionMask, saveLabelVersion, submitForReview } from '@/lib/server/labels';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { collectEvaluationCases } from '@/lib/server/evaluation/cases';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { getEvaluation } from '@/lib/server/evaluation/queries';
import { recordShadowAgreement } from '@/lib/server/registry/shadow';
import { checkCanaryHealth } from '@/lib/server/registry/canary';
import { inCanary } from '@/lib/server/serving/routing';
import { DEMO_USERS } from '../../prisma/demo-users';
import { resolveModel } from '../../tests/inference/model-fixture';
import { retryBusy } from '@/scripts/scenario/busy';
import { storeVolumes } from '../../tests/support/case-rows';

const DIMS: [number, number, number] = [48, 44, 32];
const N = DIMS[0] * DIMS[1] * DIMS[2];
const AFFINE = [-1, 0, 0, 47, 0, -1, 0, 43, 0, 0, 1, -16, 0, 0, 0, 1];
const at = (x: number, y: number, z: number) => x + y * DIMS[0] + z * DIMS[0] * DIMS[1];
const tag = Date.now().toString(36);

function truth(shift: number): Uint8Array {
  const m = new Uint8Array(N);
  const box = (x0: number, x1: number, y0: number, y1: number, z0: number, z1: number, v: number) => {
    for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0 + shift; x < x1 + shift; x++) m[at(x, y, z)] = v;
  };
  box(12, 32, 10, 32, 8, 24, 2);
  box(17, 27, 16, 26, 12, 20, 1);
  box(17, 27, 16, 26, 20, 22, 3);
  return m;
}

/** A model that misses the top `slices` slices of tumour. */
function erode(mask: Uint8Array, slices: number): Uint8Array {
  const out = mask.slice();
  for (let z = 24 - slices; z < 24; z++) out.fill(0, z * DIMS[0] * DIMS[1], (z + 1) * DIMS[0] * DIMS[1]);
  return out;
}

async function user(email: string): Promise<Actor & { kind: 'user' }> {
  const u = await db().user.findUniqueOrThrow({ where: { email } });
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role: u.role };
}
const demo = (role: string, n = 0) => DEMO_USERS.filter((u) => u.role === role)[n].email;

/** A case created directly (no ingestion, so no serving job): four volumes whose tumour is brighter, and its truth. */
async function makeCase(ext: string, mask: Uint8Array, label: boolean) {
  const c = await db().case.create({ data: { externalId: `${ext}-${tag}`, site: 'e2e', status: 'PREDICTED' } });
  const image = { dims: DIMS, affine: AFFINE, data: Int16Array.from(mask, (v, i) => 200 + 150 * v + (i % 7) * 5) };
  await storeVolumes(c.id, { dims: DIMS, affine: AFFINE, spacing: [1, 1, 1] }, () => image.data);
  if (!label) return { caseId: c.id, versionId: '' };
  // each step is one transaction, which SQLite refuses (rolled back) when the e2e server's worker committed meanwhile
  const author = await user(demo('RADIOLOGIST'));
  const v = await retryBusy(() =>
    saveLabelVersion({ actor: author, caseId: c.id, parentVersionId: null, mask, source: 'EDIT', message: 'e2e ground truth' }),
  );
  await retryBusy(() => submitForReview({ actor: author, caseId: c.id, versionId: v.id }));
  await retryBusy(async () => approveLabel({ actor: await user(demo('RADIOLOGIST', 1)), caseId: c.id, versionId: v.id }));
  return { caseId: c.id, versionId: v.id };
}

async function predict(
  caseId: string,
  modelVersionId: string,
  role: 'PRODUCTION' | 'SHADOW' | 'CANARY',
  mask: Uint8Array,
  returned: boolean,
) {
  const put = await blobs().put(encodeMask(mask, await loadCaseGrid(db(), caseId)));
  return db().prediction.upsert({
    where: { caseId_modelVersionId_role: { caseId, modelVersionId, role } },
    create: { caseId, modelVersionId, role, returned, maskBlobKey: put.key, maskSha256: put.sha256, volumesMl: {}, latencyMs: 1 },
    update: {},
  });
}

async function register(
  version: (base: string) => string,
  stage: 'CANDIDATE' | 'PRODUCTION',
  lineage: { parentId?: string; snapshotId?: string; trainingRunId?: string } = {},
) {
  const { onnx, card } = await readModelDir((await resolveModel()).dir);
  const c = card as { version: string };
  return registerModelVersion(SYSTEM, { onnx, card: { ...c, version: version(c.version) }, stage, ...lineage });
}

async function seed() {
  const production =
    (await db().modelVersion.findFirst({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } })) ??
    (await register((v) => v, 'PRODUCTION'));
  const holdout = [],
    drifters = [],
    train = [];
  for (let i = 0; i < 5; i++)
    holdout.push({ ...(await makeCase(`E2E-HOLD-${i}`, truth(i % 3), true)), mask: truth(i % 3), group: 'holdout' });
  for (let i = 0; i < 2; i++) drifters.push({ ...(await makeCase(`E2E-DRIFT-${i}`, truth(i), true)), mask: truth(i), group: 'drifter' });
  for (let i = 0; i < 3; i++) train.push({ ...(await makeCase(`E2E-TRAIN-${i}`, truth(i), true)), mask: truth(i), group: 'train' });
  const all = [...holdout, ...drifters, ...train];
  for (const c of all) await predict(c.caseId, production.id, 'PRODUCTION', erode(c.mask, c.group === 'drifter' ? 6 : 3), true);
  // what triggered the retraining: a drifter and a physician flag among the training cases
  const prodOf = async (caseId: string) =>
    (await db().prediction.findFirstOrThrow({ where: { caseId, modelVersionId: production.id } })).id;
  await db().driftReport.create({
    data: {
      caseId: train[0].caseId,
      predictionId: await prodOf(train[0].caseId),
      score: 2.7,
      isDrifter: true,
      reasons: ['T2F intensity above the training range'],
      checks: [{ family: 'intensity', kind: 'intensity.T2F.p99', label: 'T2F 99th percentile', verdict: 'fail' }],
    },
  });
  await db().flag.create({
    data: {
      caseId: train[1].caseId,
      predictionId: await prodOf(train[1].caseId),
      userId: (await user(demo('PHYSICIAN'))).id,
      reason: 'MISSED_LESION',
      note: 'e2e',
    },
  });
  await db().dataset.create({
    data: {
      name: `e2e-holdout-${tag}`,
      kind: 'HOLDOUT_INTERNAL',
      locked: true,
      lockedAt: new Date(),
      members: { create: holdout.map((c) => ({ caseId: c.caseId })) },
    },
  });
  await db().dataset.create({
    data: { name: `e2e-drifters-${tag}`, kind: 'DRIFTER', members: { create: drifters.map((c) => ({ caseId: c.caseId })) } },
  });
  const snap = await db().datasetSnapshot.create({
    data: {
      name: `e2e-retrain-${tag}`,
      sha256: crypto.randomBytes(32).toString('hex'),
      manifestBlobKey: 'none',
      caseCount: train.length,
      items: { create: train.map((c) => ({ caseId: c.caseId, labelVersionId: c.versionId, split: 'TRAIN' })) },
    },
  });
  const run = await db().workflowRun.create({
    data: {
      kind: 'TRAINING',
      runner: 'LOCAL',
      status: 'SUCCEEDED',
      params: { trigger: 'e2e drifters and flags', config: 'tiny' },
      snapshotId: snap.id,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  const lineage = { parentId: production.id, snapshotId: snap.id };
  const candidate = await register((v) => `${v.split('-')[0]}-e2e.${tag}.good`, 'CANDIDATE', { ...lineage, trainingRunId: run.id });
  const failing = await register((v) => `${v.split('-')[0]}-e2e.${tag}.bad`, 'CANDIDATE', lineage);
  // both candidates need a mask on every case the gate visits, including any other suite's approved hold-out cases
  const { cases } = await collectEvaluationCases(snap.id);
  const truthOf = new Map(all.map((c) => [c.caseId, c.mask]));
  for (const c of cases) {
    const t = truthOf.get(c.caseId) ?? (await readLabelVersionMask(c.caseId, c.labelVersionId));
    await predict(c.caseId, candidate.id, 'SHADOW', t, false);
    await predict(c.caseId, failing.id, 'SHADOW', new Uint8Array(t.length), false);
  }
  const good = await runEvaluation(candidate.id);
  const bad = await runEvaluation(failing.id);
  // figures the spec expects to find, formatted as the evidence report prints them
  const agg = (await getEvaluation(good.evaluationId)).aggregate!;
  const hold = agg.sets.find((s) => s.name === `e2e-holdout-${tag}`)!;
  return {
    production: production.id,
    candidate: candidate.id,
    failing: failing.id,
    candidateVersion: candidate.version,
    snapshotSha256: snap.sha256,
    evaluation: good,
    failingEvaluation: bad,
    expected: {
      holdoutName: hold.name,
      wtDifference: hold.regions!.WT.difference!.dice.estimate.toFixed(3),
      wtCandidate: hold.regions!.WT.candidate.dice.estimate.toFixed(3),
    },
  };
}

async function traffic(modelVersionId: string, role: 'SHADOW' | 'CANARY', n: number) {
  const m = await db().modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  const production = await db().modelVersion.findFirstOrThrow({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } });
  const dep = await db().deployment.findFirstOrThrow({ where: { modelVersionId: m.id, mode: role, endedAt: null } });
  const agreements = [];
  for (let i = 0; i < n; i++) {
    const mask = truth(i % 3);
    const { caseId } = await makeCase(`E2E-${role}-${i}`, mask, false);
    const canaryServes = role === 'CANARY' && inCanary(caseId, dep.trafficPercent);
    await predict(caseId, production.id, 'PRODUCTION', erode(mask, 2), !canaryServes);
    const p = await predict(caseId, m.id, role, i === n - 1 ? erode(mask, 12) : mask, canaryServes);
    agreements.push(await recordShadowAgreement(p.id));
    if (role === 'CANARY') await checkCanaryHealth();
  }
  return { cases: n, agreements: agreements.map((a) => a?.dice) };
}

const [cmd, ...args] = process.argv.slice(2);
(cmd === 'seed'
  ? seed()
  : cmd === 'traffic'
    ? traffic(args[0], args[1] as 'SHADOW' | 'CANARY', Number(args[2] ?? 4))
    : Promise.reject(new Error(`unknown command ${cmd}`))
)
  .then((out) => console.log(JSON.stringify(out)))
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
