import 'server-only';
import { db } from '../db';
import { mlflowLinks } from './links';
import { mlflowConfigured, pendingMirrorProblems } from './outbox';

export interface MlflowStatusDto {
  /** MLflow UI addresses of the version and of its training run, once mirrored */
  version?: string;
  run?: string;
  /** mirror rows about this model or its training run that failed and wait for their next attempt */
  problems: { kind: string; attempts: number; lastError: string; nextAttemptAt: string }[];
}

/** The model page's MLflow panel: links both ways and any mirror warning; null when MLflow is not configured. */
export async function mlflowModelStatus(modelVersionId: string): Promise<MlflowStatusDto | null> {
  if (!mlflowConfigured()) return null;
  const mv = await db().modelVersion.findUnique({ where: { id: modelVersionId }, select: { trainingRunId: true } });
  const ids = [modelVersionId, ...(mv?.trainingRunId ? [mv.trainingRunId] : [])];
  const [version, run, problems] = await Promise.all([
    mlflowLinks('model-version', modelVersionId),
    mv?.trainingRunId ? mlflowLinks('training-run', mv.trainingRunId) : null,
    pendingMirrorProblems(ids),
  ]);
  return {
    ...(version?.version ? { version: version.version } : {}),
    ...(run?.run ? { run: run.run } : {}),
    problems: problems.map((p) => ({ ...p, nextAttemptAt: p.nextAttemptAt.toISOString() })),
  };
}
