import 'server-only';
import type { Actor } from '../../auth/actor';
import { authorize } from '../../auth/authorize';
import { blobs } from '../../blobs';
import { db } from '../../db';
import { AppError } from '../../errors';
import { openBytes } from './sealed';

export interface SegExportDto {
  id: string;
  caseId: string;
  source: string;
  predictionId: string | null;
  labelVersionId: string | null;
  /** keyed pseudonym of the SEG's SeriesInstanceUID */
  seriesKey: string;
  sizeBytes: number;
  createdAt: string;
  sentAt: string | null;
  pacsError: string | null;
}

type Row = Omit<SegExportDto, 'createdAt' | 'sentAt'> & { createdAt: Date; sentAt: Date | null };

export function toDto(r: Row): SegExportDto {
  return {
    id: r.id,
    caseId: r.caseId,
    source: r.source,
    predictionId: r.predictionId,
    labelVersionId: r.labelVersionId,
    seriesKey: r.seriesKey,
    sizeBytes: r.sizeBytes,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    pacsError: r.pacsError,
  };
}

/** A case's SEG exports, newest first. */
export async function listSegExports(caseId: string): Promise<SegExportDto[]> {
  const rows = await db().segExport.findMany({ where: { caseId }, orderBy: { createdAt: 'desc' } });
  return rows.map(toDto);
}

/** The SEG's bytes (opened) and a file name for download; the export must belong to the case. */
export async function readSegExport(actor: Actor, caseId: string, exportId: string): Promise<{ bytes: Uint8Array; filename: string }> {
  await authorize(actor, 'seg:export', { via: 'domain' });
  const row = await db().segExport.findFirst({ where: { id: exportId, caseId }, include: { case: { select: { externalId: true } } } });
  if (!row) throw new AppError('NOT_FOUND', 'No such DICOM SEG export.');
  const bytes = openBytes(await blobs().get(row.blobKey));
  return { bytes, filename: `${row.case.externalId}-seg-${row.source.toLowerCase()}-${row.id.slice(-6)}.dcm` };
}

/** What the case page's DICOM SEG panel offers: the exports so far and which sources can be exported now. */
export async function segPanelState(caseId: string) {
  const [exports, dicomVolumes, prediction, label] = await Promise.all([
    listSegExports(caseId),
    db().volume.count({ where: { caseId, dicomSeriesId: { not: null } } }),
    db().prediction.count({ where: { caseId, returned: true } }),
    db().label.findUnique({ where: { caseId }, select: { status: true } }),
  ]);
  return { exports, fromDicom: dicomVolumes > 0, hasPrediction: prediction > 0, hasApprovedLabel: label?.status === 'APPROVED' };
}
