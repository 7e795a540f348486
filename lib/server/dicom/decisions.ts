import 'server-only';
import { z } from 'zod';
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { authorize, personId } from '../auth/authorize';
import { AppError } from '../errors';
import { CASE_MODALITIES, type CaseModality } from '../imaging/validate';
import { caseVolumesOnOneGrid, createCaseFromSeries } from './case';
import { caseExternalId, decryptJson } from './privacy';
import type { SourceReferences } from './references';

/** The "needs a decision" list: studies whose series the rules could not map one-to-one onto the four sequences. */
export interface PendingStudyDto {
  id: string;
  source: string;
  reason: string | null;
  receivedAt: string;
  series: {
    id: string;
    seriesNumber: number | null;
    description: string | null;
    proposedRole: string | null;
    setAsideReason: string | null;
    dims: number[] | null;
    usable: boolean;
  }[];
}

export async function listPendingStudies(actor: Actor): Promise<PendingStudyDto[]> {
  await authorize(actor, 'dicom:decide', { via: 'domain' });
  const rows = await db().dicomStudy.findMany({
    where: { status: 'NEEDS_DECISION' },
    orderBy: { createdAt: 'asc' },
    include: { series: { orderBy: { seriesNumber: 'asc' } } },
    take: 200,
  });
  return rows.map((s) => ({
    id: s.id,
    source: s.source,
    reason: s.reason,
    receivedAt: s.createdAt.toISOString(),
    series: s.series.map((x) => ({
      id: x.id,
      seriesNumber: x.seriesNumber,
      description: x.description,
      proposedRole: x.proposedRole,
      setAsideReason: x.setAsideReason,
      dims: (x.dims as number[] | null) ?? null,
      usable: !!x.blobKey,
    })),
  }));
}

export const assignmentSchema = z.object({
  studyId: z.string().min(1),
  T1N: z.string().min(1, 'choose a series for T1N'),
  T1C: z.string().min(1, 'choose a series for T1C'),
  T2W: z.string().min(1, 'choose a series for T2W'),
  T2F: z.string().min(1, 'choose a series for T2F'),
});

/**
 * A person assigns one converted series of the study to each sequence; the case is created from them exactly as an
 * automatic one would be (same grid check, serving job), audited with the assignment. A set-aside series may be
 * chosen when it has a converted volume (a rule can be wrong); a series without one cannot.
 */
export async function assignStudySeries(actor: Actor, raw: unknown): Promise<{ caseId: string; externalId: string }> {
  const person = await authorize(actor, 'dicom:decide', { who: 'person', via: 'domain' });
  const parsed = assignmentSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues[0].message);
  const { studyId, ...roles } = parsed.data;
  const ids = CASE_MODALITIES.map((m) => roles[m]);
  if (new Set(ids).size !== ids.length) throw new AppError('INVALID_INPUT', 'Each sequence needs a different series.');
  const study = await db().dicomStudy.findUnique({ where: { id: studyId }, include: { series: true } });
  if (!study) throw new AppError('NOT_FOUND', 'No such DICOM study.');
  if (study.status !== 'NEEDS_DECISION') throw new AppError('CONFLICT', 'This study has already been decided.');
  const chosen = {} as Record<CaseModality, (typeof study.series)[number]>;
  for (const m of CASE_MODALITIES) {
    const s = study.series.find((x) => x.id === roles[m]);
    if (!s) throw new AppError('INVALID_INPUT', `${m}: the series is not part of this study.`);
    if (!s.blobKey)
      throw new AppError('INVALID_INPUT', `${m}: series ${s.seriesNumber ?? '?'} has no converted volume (${s.setAsideReason}).`);
    chosen[m] = s;
  }
  // co-registration, if the chosen series lie on different grids, before the transaction (it takes seconds)
  const volumes = await caseVolumesOnOneGrid(chosen, (s) => blobs().get(s.blobKey!));
  const refs = decryptJson<SourceReferences>(chosen.T1C.sourceRefs!);
  const externalId = caseExternalId(refs.studyInstanceUid);
  return db().$transaction(async (tx) => {
    // decided by someone else meanwhile: the status is checked again under the transaction
    const again = await tx.dicomStudy.findUnique({ where: { id: study.id }, select: { status: true } });
    if (again?.status !== 'NEEDS_DECISION') throw new AppError('CONFLICT', 'This study has already been decided.');
    const c = await createCaseFromSeries(tx, person, { id: study.id, patientKey: study.patientKey, externalId, site: null }, volumes);
    await tx.dicomStudy.update({ where: { id: study.id }, data: { decidedById: personId(person) } });
    await recordAudit(tx, {
      actor: person,
      action: AUDIT.dicomStudyDecide,
      entityId: study.id,
      data: { caseId: c.id, assignments: roles, previousReason: study.reason },
    });
    return { caseId: c.id, externalId };
  });
}

export const dismissSchema = z.object({
  studyId: z.string().min(1),
  reason: z.string().trim().min(3, 'say why the study is set aside').max(500),
});

/** A person sets a waiting study aside (its series stay stored, no case is made); later pushes of it are refused. */
export async function dismissStudy(actor: Actor, raw: unknown): Promise<void> {
  const person = await authorize(actor, 'dicom:decide', { who: 'person', via: 'domain' });
  const parsed = dismissSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues[0].message);
  await db().$transaction(async (tx) => {
    const study = await tx.dicomStudy.findUnique({ where: { id: parsed.data.studyId } });
    if (!study) throw new AppError('NOT_FOUND', 'No such DICOM study.');
    if (study.status !== 'NEEDS_DECISION') throw new AppError('CONFLICT', 'This study has already been decided.');
    await tx.dicomStudy.update({ where: { id: study.id }, data: { status: 'DISMISSED', decidedById: personId(person) } });
    await recordAudit(tx, {
      actor: person,
      action: AUDIT.dicomStudyDismiss,
      entityId: study.id,
      data: { reason: parsed.data.reason, previousReason: study.reason },
    });
  });
}
