import 'server-only';
import crypto from 'node:crypto';
import { db } from '../db';
import type { EvalSetRef } from './types';

/**
 * Which cases an evaluation runs on, and with which ground truth:
 * - every LOCKED hold-out set (internal, external): members whose label is APPROVED (head version);
 * - every drifter hold-out set: likewise;
 * - the previously problematic cases: items of the candidate's training snapshot whose case was a drifter or was
 *   flagged by a physician, with the label version the snapshot froze.
 * A set may come back with no case: the gate then reports it "not evaluated" under the rule the criteria state.
 */
export interface EvalCase {
  setKey: string;
  caseId: string;
  externalId: string;
  labelVersionId: string;
  labelBlobKey: string;
  labelSha256: string;
}

export const PROBLEMATIC_KEY = 'problematic';

async function datasetSets(): Promise<{ sets: EvalSetRef[]; cases: EvalCase[] }> {
  const datasets = await db().dataset.findMany({
    where: { OR: [{ kind: { in: ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL'] }, locked: true }, { kind: 'DRIFTER' }] },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
    include: {
      members: {
        orderBy: { caseId: 'asc' },
        include: {
          case: {
            select: {
              externalId: true,
              label: { select: { status: true, headVersion: { select: { id: true, blobKey: true, sha256: true } } } },
            },
          },
        },
      },
    },
  });
  const sets: EvalSetRef[] = [];
  const cases: EvalCase[] = [];
  for (const d of datasets) {
    sets.push({ key: d.id, name: d.name, kind: d.kind as EvalSetRef['kind'], locked: d.locked });
    for (const m of d.members) {
      const label = m.case.label;
      if (label?.status !== 'APPROVED' || !label.headVersion) continue;
      const v = label.headVersion;
      cases.push({
        setKey: d.id,
        caseId: m.caseId,
        externalId: m.case.externalId,
        labelVersionId: v.id,
        labelBlobKey: v.blobKey,
        labelSha256: v.sha256,
      });
    }
  }
  return { sets, cases };
}

/**
 * The ground truth of the locked hold-outs as of now: for each member, the approved label version it is scored
 * against (or none). Locking freezes membership, not labels: a radiologist may still correct a member's label, which
 * changes what an evaluation measures. An evaluation records this fingerprint; promotion refuses a stale one.
 */
export async function lockedGroundTruth(): Promise<string> {
  const members = await db().datasetMember.findMany({
    where: { dataset: { kind: { in: ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL'] }, locked: true } },
    orderBy: [{ datasetId: 'asc' }, { caseId: 'asc' }],
    select: { datasetId: true, caseId: true, case: { select: { label: { select: { status: true, headVersionId: true } } } } },
  });
  const lines = members.map((m) => `${m.datasetId} ${m.caseId} ${m.case.label?.status === 'APPROVED' ? m.case.label.headVersionId : '-'}`);
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Snapshot items whose case had a drifter report or a physician flag: the cases that triggered the retraining. */
export async function problematicCases(snapshotId: string | null): Promise<EvalCase[]> {
  if (!snapshotId) return [];
  const items = await db().snapshotItem.findMany({
    where: {
      snapshotId,
      case: { OR: [{ driftReports: { some: { isDrifter: true, prediction: { returned: true } } } }, { flags: { some: {} } }] },
    },
    orderBy: { caseId: 'asc' },
    include: { case: { select: { externalId: true } }, labelVersion: { select: { id: true, blobKey: true, sha256: true } } },
  });
  return items.map((i) => ({
    setKey: PROBLEMATIC_KEY,
    caseId: i.caseId,
    externalId: i.case.externalId,
    labelVersionId: i.labelVersion.id,
    labelBlobKey: i.labelVersion.blobKey,
    labelSha256: i.labelVersion.sha256,
  }));
}

export async function collectEvaluationCases(snapshotId: string | null): Promise<{ sets: EvalSetRef[]; cases: EvalCase[] }> {
  const { sets, cases } = await datasetSets();
  const problematic = await problematicCases(snapshotId);
  sets.push({ key: PROBLEMATIC_KEY, name: 'previously problematic cases', kind: 'PROBLEMATIC', locked: false });
  return { sets, cases: [...cases, ...problematic] };
}

/**
 * Hold-out cases (locked hold-outs and drifter hold-outs) that appear in the training snapshot: there must be none,
 * or the hold-out figures measure memorisation. Returned as external ids, for the gate and the evidence report.
 */
export async function holdoutLeakage(snapshotId: string | null): Promise<{ checked: boolean; holdoutCases: number; leaked: string[] }> {
  const members = await db().datasetMember.findMany({
    where: { dataset: { OR: [{ kind: { in: ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL'] }, locked: true }, { kind: 'DRIFTER' }] } },
    select: { caseId: true, case: { select: { externalId: true } } },
  });
  if (!snapshotId) return { checked: false, holdoutCases: members.length, leaked: [] };
  const ids = [...new Set(members.map((m) => m.caseId))];
  const inTraining = await db().snapshotItem.findMany({
    where: { snapshotId, caseId: { in: ids }, split: { notIn: ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL', 'DRIFTER'] } },
    select: { case: { select: { externalId: true } } },
  });
  return { checked: true, holdoutCases: ids.length, leaked: inTraining.map((i) => i.case.externalId).sort() };
}
