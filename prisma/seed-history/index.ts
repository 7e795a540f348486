/**
 * The demo's history (issue 25): one whole surveillance cycle, produced by the product's own services in this
 * process. Second-site cases arrive and are served (production segments them, drift checks flag them); radiologists
 * correct them and second readers approve; the ML engineer locks a hold-out, places the drifters and starts two
 * fine-tuning runs; the runs' recorded artefacts (trained offline by training/, see record.ts) are checked against the
 * runs' own snapshot and registered; the worker's evaluation handler runs the gate; the first candidate goes through
 * shadow, canary, a signed promotion and a later rollback; the second waits for the ML engineer's decision.
 * Idempotent: a database that already holds the recorded candidates is left as it is.
 */
import { db } from '../../lib/server/db';
import { startTrainingRun } from '../../lib/server/workflows/start';
import { ensureCohort, type CaseRef } from '../../scripts/scenario/cohorts';
import { approvedLabel, arrive } from './cases';
import { demoCast, type DemoCast } from './cast';
import { addToTraining, lockInternalHoldout, placeDrifters } from './datasets';
import { drainJobs } from './worker';
import { hasRecording, readRecording } from './recording';
import { replayRecordedRun } from './replay';
import { rollBack, shadowThenCanary, signPromotion } from './cycle';
import { PLAN, SITE_A, SITE_B, type RunKey } from './plan';

export type Log = (m: string) => void;
const ARRIVALS = PLAN.shadowCases + PLAN.canaryCases;

/** Cases, labels and datasets: everything up to the ML engineer starting the runs. Returns the run ids by key. */
export async function prepareHistory(
  cast: DemoCast,
  cacheDir: string,
  log: Log,
): Promise<{ runs: Map<RunKey, string>; arrivals: CaseRef[] }> {
  const nA = PLAN.holdoutA + PLAN.trainA + Math.ceil(ARRIVALS / 2);
  const a = (await ensureCohort(cacheDir, SITE_A, nA, log)).cases;
  const b = (await ensureCohort(cacheDir, SITE_B, PLAN.drifters + Math.floor(ARRIVALS / 2), log)).cases;
  log(`labelled domain-A cases: ${PLAN.holdoutA} for the locked hold-out, ${PLAN.trainA} for training`);
  const labelled: string[] = [];
  for (const [i, ref] of a.slice(0, PLAN.holdoutA + PLAN.trainA).entries()) {
    const caseId = await arrive(ref, { serve: false });
    await approvedLabel(cast, caseId, ref, 'import', i);
    labelled.push(caseId);
  }
  await lockInternalHoldout(cast, labelled.slice(0, PLAN.holdoutA));
  await addToTraining(cast, labelled.slice(PLAN.holdoutA));
  log(`${PLAN.drifters} second-site arrivals: served, corrected and approved`);
  const drifters: string[] = [];
  for (const [i, ref] of b.slice(0, PLAN.drifters).entries()) {
    const caseId = await arrive(ref, { serve: true });
    await approvedLabel(cast, caseId, ref, 'correct', i);
    drifters.push(caseId);
  }
  const placed = await placeDrifters(cast, drifters);
  log(`drifters placed: ${placed.train} to training, ${placed.holdout} to the drifter hold-out`);
  const runs = new Map<RunKey, string>();
  for (const r of PLAN.runs) {
    const queued = await queuedRun(cast, r.seed); // left by an interrupted seed: starting another would train twice
    const runId =
      queued ??
      (
        await startTrainingRun(cast.mlEngineer, {
          runner: 'LOCAL',
          init: 'production',
          epochs: r.epochs,
          stepsPerEpoch: r.stepsPerEpoch,
          seed: r.seed,
        })
      ).runId;
    runs.set(r.key, runId);
  }
  // later arrivals alternate sites: the second site keeps coming while the candidate is in shadow and canary
  const arrivals = Array.from({ length: ARRIVALS }, (_, i) =>
    i % 2 === 0 ? b[PLAN.drifters + i / 2] : a[nA - Math.ceil(ARRIVALS / 2) + (i - 1) / 2],
  );
  return { runs, arrivals };
}

async function queuedRun(cast: DemoCast, seed: number): Promise<string | null> {
  const rows = await db().workflowRun.findMany({ where: { kind: 'TRAINING', status: 'QUEUED', createdById: cast.mlEngineer.id } });
  return rows.find((r) => (r.params as { input?: { seed?: number } }).input?.seed === seed)?.id ?? null;
}

async function alreadySeeded(): Promise<boolean> {
  const versions = PLAN.runs.map((r) => String((readRecording(r.key).recording.params.resolved as { version: string }).version));
  return (await db().modelVersion.count({ where: { version: { in: versions } } })) > 0;
}

/** `npm run db:seed`'s history: replays the committed recordings; skipped when they are absent or already seeded. */
export async function seedHistory(cacheDir: string, log: Log): Promise<void> {
  if (!PLAN.runs.every((r) => hasRecording(r.key))) return log('no recorded runs under models/demo-history: history skipped');
  if (await alreadySeeded()) return log('history already seeded');
  const cast = await demoCast();
  const { runs, arrivals } = await prepareHistory(cast, cacheDir, log);
  const models = new Map<RunKey, string>();
  for (const r of PLAN.runs) {
    const mv = await replayRecordedRun(runs.get(r.key)!, readRecording(r.key));
    log(`run ${r.key}: recorded candidate ${mv.version} registered; evaluating`);
    await drainJobs(['evaluation.run'], log);
    models.set(r.key, mv.modelVersionId);
  }
  const cycled = models.get('cycle')!;
  const verdict = await latestVerdict(cycled);
  if (verdict !== 'PASS') return log(`the gate said ${verdict}: the candidate stays out of shadow (nothing more to show)`);
  await shadowThenCanary(cast, cycled, verdict, arrivals, log);
  await signPromotion(cast, cycled, log);
  await rollBack(cast, cycled, log);
  log(`waiting for the ML engineer: candidate evaluated ${await latestVerdict(models.get('waiting')!)}`);
}

async function latestVerdict(modelVersionId: string): Promise<string> {
  const ev = await db().evaluation.findFirst({ where: { modelVersionId, finishedAt: { not: null } }, orderBy: { createdAt: 'desc' } });
  return ev?.verdict ?? 'no evaluation';
}
