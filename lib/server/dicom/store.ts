import 'server-only';
import { db, isUniqueViolation } from '../db';
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
 * when the rules found exactly one series for each sequence, the case with its serving job. A study received before
 * (same StudyInstanceUID, recognised by its pseudonym) is left as it is.
 */
export async function storeStudy(actor: Actor, study: PreparedStudy, opts: IngestDicomOptions): Promise<StoreOutcome> {
  const existing = await db().dicomStudy.findUnique({ where: { studyKey: study.studyKey } });
  if (existing) return { status: 'unchanged', dicomStudyId: existing.id, caseId: existing.caseId };
  const usable = study.series.filter((s) => s.volume && !s.setAsideReason);
  if (!usable.length) {
    const reasons = study.series.map((s) => `series ${s.seriesNumber ?? '?'} "${s.description}": ${s.setAsideReason}`);
    return { status: 'refused', reason: `no usable series: ${reasons.join('; ')}` };
  }
  const decision = decideStudy(usable.map((s) => ({ seriesKey: s.seriesKey, role: s.proposedRole })));
  const store = blobs();
  const puts = new Map<string, { key: string; sha256: string; size: number }>();
  for (const s of usable) puts.set(s.seriesKey, await store.put(s.volume!.bytes));
  // co-registration (when the grids differ) runs before the transaction: it takes seconds
  let volumes: Record<CaseModality, CaseVolume> | null = null;
  if (decision.complete) {
    const byKey = new Map(usable.map((s) => [s.seriesKey, s]));
    const chosen = {} as Record<CaseModality, SourceSeries>;
    for (const [m, key] of Object.entries(decision.roles)) chosen[m as CaseModality] = sourceSeries(byKey.get(key)!, puts.get(key)!);
    volumes = await caseVolumesOnOneGrid(chosen, async (s) => byKey.get(s.seriesKey)!.volume!.bytes);
  }
  try {
    return await db().$transaction(async (tx) => {
      const row = await tx.dicomStudy.create({
        data: {
          studyKey: study.studyKey,
          patientKey: study.patientKey,
          source: opts.source,
          status: 'NEEDS_DECISION',
          reason: decision.complete ? null : decision.reason,
          series: { create: study.series.map((s) => seriesData(s, puts.get(s.seriesKey))) },
        },
      });
      let caseId: string | null = null;
      let externalId = '';
      if (volumes) {
        externalId = caseExternalId(study.studyUid);
        const c = await createCaseFromSeries(
          tx,
          actor,
          { id: row.id, patientKey: study.patientKey, externalId, site: opts.site ?? null },
          volumes,
        );
        caseId = c.id;
      }
      await recordAudit(tx, {
        actor,
        action: AUDIT.dicomStudyReceive,
        entityId: row.id,
        data: {
          source: opts.source,
          status: decision.complete ? 'CASE_CREATED' : 'NEEDS_DECISION',
          caseId,
          series: study.series.length,
          setAside: study.series.filter((s) => s.setAsideReason).length,
          reason: decision.complete ? null : decision.reason,
        },
      });
      return caseId
        ? { status: 'created' as const, dicomStudyId: row.id, caseId, externalId }
        : { status: 'needs-decision' as const, dicomStudyId: row.id, reason: (decision as { reason: string }).reason };
    });
  } catch (e) {
    // the same study sent twice at once: the second meets the unique study key and answers like a re-send
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
