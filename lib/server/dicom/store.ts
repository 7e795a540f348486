import 'server-only';
import { db, isUniqueViolation } from '../db';
import { AppError } from '../errors';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import type { CaseModality } from '../imaging/validate';
import { caseVolumesOnOneGrid, createCaseFromSeries, type CaseVolume, type SourceSeries } from './case';
import { decideStudy } from './classify';
import type { PreparedSeries, PreparedStudy } from './prepare';
import { caseExternalId, encryptJson } from './privacy';
import type { IngestDicomOptions } from './types';

export type StoreOutcome =
  | { status: 'created'; dicomStudyId: string; caseId: string; externalId: string }
  | { status: 'needs-decision'; dicomStudyId: string; reason: string }
  | { status: 'unchanged'; dicomStudyId: string; caseId: string | null }
  | { status: 'refused'; reason: string };

/**
 * Stores a prepared study: the converted volumes as blobs first, then in one transaction the study, its series, and,
 * when the rules found exactly one series for each sequence, the case with its serving job. A study that already
 * waits for a decision takes the series it did not have (a PACS or router often sends a study series by series) and
 * is decided again; a study that already became a case is left as it is.
 */
export async function storeStudy(actor: Actor, study: PreparedStudy, opts: IngestDicomOptions): Promise<StoreOutcome> {
  const existing = await db().dicomStudy.findUnique({ where: { studyKey: study.studyKey }, include: { series: true } });
  if (existing && existing.status !== 'NEEDS_DECISION') return { status: 'unchanged', dicomStudyId: existing.id, caseId: existing.caseId };
  const added = study.series.filter((s) => !existing?.series.some((r) => r.seriesKey === s.seriesKey));
  if (existing && !added.length) return { status: 'unchanged', dicomStudyId: existing.id, caseId: null };
  const usable = added.filter((s) => s.volume && !s.setAsideReason);
  if (!existing && !usable.length) {
    const reasons = study.series.map((s) => `series ${s.seriesNumber ?? '?'} "${s.description}": ${s.setAsideReason}`);
    return { status: 'refused', reason: `no usable series: ${reasons.join('; ')}` };
  }
  const stored = existing?.series.filter((r) => r.blobKey && !r.setAsideReason) ?? [];
  const decision = decideStudy([
    ...stored.map((r) => ({ seriesKey: r.seriesKey, role: r.proposedRole as CaseModality | null })),
    ...usable.map((s) => ({ seriesKey: s.seriesKey, role: s.proposedRole })),
  ]);
  const puts = new Map<string, { key: string; sha256: string; size: number }>();
  for (const s of usable) puts.set(s.seriesKey, await blobs().put(s.volume!.bytes));
  // co-registration (when the grids differ) runs before the transaction: it takes seconds
  let volumes: Record<CaseModality, CaseVolume> | null = null;
  if (decision.complete) {
    const fresh = new Map(usable.map((s) => [s.seriesKey, s]));
    const source = new Map<string, SourceSeries>([
      ...stored.map((r) => [r.seriesKey, r] as const),
      ...usable.map((s) => [s.seriesKey, sourceSeries(s, puts.get(s.seriesKey)!)] as const),
    ]);
    const chosen = {} as Record<CaseModality, SourceSeries>;
    for (const [m, key] of Object.entries(decision.roles)) chosen[m as CaseModality] = source.get(key)!;
    volumes = await caseVolumesOnOneGrid(chosen, async (x) => fresh.get(x.seriesKey)?.volume!.bytes ?? blobs().get(x.blobKey!));
  }
  const reason = decision.complete ? null : decision.reason;
  try {
    return await db().$transaction(async (tx) => {
      let studyId: string;
      if (existing) {
        // decided by a person meanwhile: this push's series would be added to a decided study
        const now = await tx.dicomStudy.update({ where: { id: existing.id }, data: { reason } });
        if (now.status !== 'NEEDS_DECISION')
          throw new AppError('CONFLICT', 'The study was decided while its series arrived; send them again.');
        for (const s of added) await tx.dicomSeries.create({ data: { studyId: existing.id, ...seriesData(s, puts.get(s.seriesKey)) } });
        studyId = existing.id;
      } else {
        const row = await tx.dicomStudy.create({
          data: {
            studyKey: study.studyKey,
            patientKey: study.patientKey,
            source: opts.source,
            status: 'NEEDS_DECISION',
            reason,
            series: { create: added.map((s) => seriesData(s, puts.get(s.seriesKey))) },
          },
        });
        studyId = row.id;
      }
      let created: { caseId: string; externalId: string } | null = null;
      if (volumes) {
        const externalId = caseExternalId(study.studyUid);
        const patientKey = existing?.patientKey ?? study.patientKey;
        const c = await createCaseFromSeries(tx, actor, { id: studyId, patientKey, externalId, site: opts.site ?? null }, volumes);
        created = { caseId: c.id, externalId };
      }
      await recordAudit(tx, {
        actor,
        action: AUDIT.dicomStudyReceive,
        entityId: studyId,
        data: {
          source: opts.source,
          status: created ? 'CASE_CREATED' : 'NEEDS_DECISION',
          caseId: created?.caseId ?? null,
          series: added.length,
          setAside: added.filter((s) => s.setAsideReason).length,
          reason,
        },
      });
      return created
        ? { status: 'created' as const, dicomStudyId: studyId, ...created }
        : { status: 'needs-decision' as const, dicomStudyId: studyId, reason: reason! };
    });
  } catch (e) {
    // the same study (or series) sent twice at once: the second meets a unique key and answers like a re-send
    if (!isUniqueViolation(e)) throw e;
    const again = await db().dicomStudy.findUnique({ where: { studyKey: study.studyKey } });
    if (!again) throw e;
    return { status: 'unchanged', dicomStudyId: again.id, caseId: again.caseId };
  }
}

function sourceSeries(s: PreparedSeries, put: { key: string; sha256: string; size: number }): SourceSeries {
  const v = s.volume!;
  return {
    seriesKey: s.seriesKey,
    blobKey: put.key,
    sha256: put.sha256,
    sizeBytes: put.size,
    dims: v.dims,
    spacing: v.spacing,
    affine: v.affine,
    datatype: v.datatype,
    orientation: v.orientation,
    acquisition: s.acquisition,
    warnings: v.warnings.length ? v.warnings : null,
  };
}

function seriesData(s: PreparedSeries, put: { key: string; sha256: string; size: number } | undefined) {
  const v = put ? s.volume : null;
  return {
    seriesKey: s.seriesKey,
    seriesNumber: s.seriesNumber,
    description: s.description.slice(0, 200),
    proposedRole: s.proposedRole,
    setAsideReason: s.setAsideReason,
    blobKey: put?.key ?? null,
    sha256: put?.sha256 ?? null,
    sizeBytes: put?.size ?? null,
    dims: v ? v.dims : undefined,
    spacing: v ? v.spacing : undefined,
    affine: v ? v.affine : undefined,
    datatype: v?.datatype ?? null,
    orientation: v?.orientation ?? null,
    acquisition: s.acquisition ?? undefined,
    warnings: v?.warnings.length ? v.warnings : undefined,
    sourceRefs: encryptJson(s.refs),
  };
}
