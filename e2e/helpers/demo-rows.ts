/**
 * Prints (one JSON line) the rows of the seeded demo history that e2e/demo-walk.spec.ts opens: the cycled candidate,
 * its training run and its evaluation, and the candidate waiting for a decision. Run against the demo database.
 */
import { db, disconnectDb } from '@/lib/server/db';
import { readRecording } from '../../prisma/seed-history/recording';

async function model(key: 'cycle' | 'waiting') {
  const version = String((readRecording(key).recording.params.resolved as { version: string }).version);
  const mv = await db().modelVersion.findFirstOrThrow({
    where: { version },
    include: { evaluations: { where: { finishedAt: { not: null } }, orderBy: { createdAt: 'desc' }, take: 1 } },
  });
  if (!mv.trainingRunId || !mv.evaluations[0]) throw new Error(`${key} candidate ${version} has no run or no evaluation`);
  return { id: mv.id, stage: mv.stage, runId: mv.trainingRunId, evaluationId: mv.evaluations[0].id };
}

async function main() {
  const cycle = await model('cycle');
  const waiting = await model('waiting');
  console.log(
    JSON.stringify({
      runId: cycle.runId,
      candidateId: cycle.id,
      candidateStage: cycle.stage,
      evaluationId: cycle.evaluationId,
      waitingId: waiting.id,
      waitingStage: waiting.stage,
    }),
  );
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
