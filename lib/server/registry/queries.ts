import 'server-only';
import { db } from '../db';
import { auditReason } from '../audit';
import { AppError } from '../errors';
import { stepsFrom, type Step } from './transitions';
import { previousProductionOf } from './rollback';

export interface ModelRowDto {
  id: string;
  name: string;
  version: string;
  stage: string;
  sha256: string;
  parent: string | null;
  parentId: string | null;
  trainingRunId: string | null;
  snapshotSha256: string | null;
  latestVerdict: 'PENDING' | 'PASS' | 'FAIL' | null;
  createdAt: string;
  stageChangedAt: string;
}

type ModelRowSource = {
  id: string;
  name: string;
  version: string;
  stage: ModelRowDto['stage'];
  sha256: string;
  parentId: string | null;
  trainingRunId: string | null;
  createdAt: Date;
  stageChangedAt: Date;
  parent: { name: string; version: string } | null;
  snapshot: { sha256: string } | null;
  evaluations: { verdict: string }[];
};

/** The list row of a model version (the detail page shows the same fields and more). */
function modelRow(m: ModelRowSource): ModelRowDto {
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    stage: m.stage,
    sha256: m.sha256,
    parent: m.parent ? `${m.parent.name}@${m.parent.version}` : null,
    parentId: m.parentId,
    trainingRunId: m.trainingRunId,
    snapshotSha256: m.snapshot?.sha256 ?? null,
    latestVerdict: (m.evaluations[0]?.verdict as ModelRowDto['latestVerdict']) ?? null,
    createdAt: m.createdAt.toISOString(),
    stageChangedAt: m.stageChangedAt.toISOString(),
  };
}

export async function listModelVersions(): Promise<ModelRowDto[]> {
  const rows = await db().modelVersion.findMany({
    orderBy: { createdAt: 'desc' },
    include: {
      parent: true,
      snapshot: { select: { sha256: true } },
      evaluations: { orderBy: { createdAt: 'desc' }, take: 1, select: { verdict: true } },
    },
  });
  return rows.map(modelRow);
}

export interface ModelDetailDto extends ModelRowDto {
  codeVersion: string | null;
  card: unknown;
  /** every ONNX file, an ensemble's members in the card's order */
  files: { file: string; sha256: string }[];
  snapshot: { id: string; name: string; sha256: string; caseCount: number } | null;
  trainingRun: { id: string; status: string; runner: string } | null;
  steps: Step[];
  deployments: { id: string; mode: string; trafficPercent: number; startedAt: string; endedAt: string | null; endReason: string | null }[];
  approvals: { id: string; decision: string; reason: string; approver: string; createdAt: string; hasEvidence: boolean }[];
  events: { id: string; action: string; actor: string; createdAt: string; reason: string | null }[];
}

export async function getModelDetail(modelVersionId: string): Promise<ModelDetailDto> {
  const m = await db().modelVersion.findUnique({
    where: { id: modelVersionId },
    include: {
      parent: true,
      snapshot: true,
      files: { orderBy: { ordinal: 'asc' }, select: { file: true, sha256: true } },
      trainingRun: { select: { id: true, status: true, runner: true } },
      evaluations: { orderBy: { createdAt: 'desc' }, take: 1, select: { verdict: true } },
      deployments: { orderBy: { startedAt: 'desc' } },
      approvals: { orderBy: { createdAt: 'desc' }, include: { approver: { select: { email: true } } } },
    },
  });
  if (!m) throw new AppError('NOT_FOUND', 'No such model version.');
  // Rollback is offered only when this production replaced another through the registry (the server re-checks).
  const canRollBack = m.stage === 'PRODUCTION' && !!(await previousProductionOf(m.id));
  const events = await db().auditEvent.findMany({
    where: { entityType: 'ModelVersion', entityId: m.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
    include: { actor: { select: { email: true } } },
  });
  return {
    ...modelRow(m),
    codeVersion: m.codeVersion,
    card: m.card,
    files: m.files,
    snapshot: m.snapshot ? { id: m.snapshot.id, name: m.snapshot.name, sha256: m.snapshot.sha256, caseCount: m.snapshot.caseCount } : null,
    trainingRun: m.trainingRun,
    steps: stepsFrom(m.stage).filter((s) => s !== 'rollback' || canRollBack),
    deployments: m.deployments.map((d) => ({
      id: d.id,
      mode: d.mode,
      trafficPercent: d.trafficPercent,
      startedAt: d.startedAt.toISOString(),
      endedAt: d.endedAt?.toISOString() ?? null,
      endReason: d.endReason,
    })),
    approvals: m.approvals.map((a) => ({
      id: a.id,
      decision: a.decision,
      reason: a.reason,
      approver: a.approver.email,
      createdAt: a.createdAt.toISOString(),
      hasEvidence: !!a.evidenceBlobKey,
    })),
    events: events.map((e) => ({
      id: e.id,
      action: e.action,
      actor: e.actor?.email ?? e.actorKind,
      createdAt: e.createdAt.toISOString(),
      reason: auditReason(e),
    })),
  };
}
