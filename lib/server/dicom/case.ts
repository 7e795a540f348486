import 'server-only';
import type { Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { AppError } from '../errors';
import { maxAbsDiff, type Mat4 } from '../imaging/affine';
import { CASE_MODALITIES, type CaseModality } from '../imaging/validate';
import { admitToQueue } from '../jobs/admission';
import { enqueueServing } from '../serving/jobs';
import type { Acquisition } from './privacy';

/** The stored series a case is built from (a DicomSeries row with its converted volume). */
export interface SeriesRow {
  id: string;
  blobKey: string | null;
  sha256: string | null;
  sizeBytes: number | null;
  dims: unknown;
  spacing: unknown;
  affine: unknown;
  datatype: string | null;
  orientation: string | null;
  acquisition: unknown;
  warnings: unknown;
}

const AFFINE_TOLERANCE_MM = 1e-3;

/**
 * THE co-registration call site for DICOM studies: sequences must lie on one grid before a case exists. Today a study
 * whose series lie on different grids is refused as NIfTI uploads are (422 "grid does not match"); when rigid
 * co-registration (lib/server/imaging/coregister.ts) is available, it is called here to resample the other sequences
 * onto the reference (T1C) grid instead.
 */
export function assertOneGrid(series: Record<CaseModality, SeriesRow>): void {
  const ref = series.T1C;
  for (const m of CASE_MODALITIES) {
    const s = series[m];
    const [a, b] = [s.dims as number[], ref.dims as number[]];
    const diff = maxAbsDiff(s.affine as Mat4, ref.affine as Mat4);
    if (a.some((d, i) => d !== b[i]) || diff > AFFINE_TOLERANCE_MM)
      throw new AppError(
        'INVALID_INPUT',
        `${m} grid does not match T1C (${a.join('x')} ${s.orientation} vs ${b.join('x')} ${ref.orientation}, affines differ by up to ${diff.toPrecision(3)} mm); sequences on different grids are not yet co-registered`,
        { status: 422 },
      );
  }
}

/** The case, its volumes (pointing at their source series), the audit event and the serving job, inside `tx`. */
export async function createCaseFromSeries(
  tx: Tx,
  actor: Actor,
  study: { id: string; patientKey: string; externalId: string; site: string | null },
  series: Record<CaseModality, SeriesRow>,
) {
  assertOneGrid(series);
  await admitToQueue(tx);
  const acq = (series.T1C.acquisition ?? {}) as Acquisition;
  const c = await tx.case.create({
    data: {
      externalId: study.externalId,
      site: study.site ?? acq.SiteKey ?? null,
      scannerManufacturer: typeof acq.Manufacturer === 'string' ? acq.Manufacturer : null,
      scannerModel: typeof acq.ManufacturersModelName === 'string' ? acq.ManufacturersModelName : null,
      fieldStrength: typeof acq.MagneticFieldStrength === 'number' ? acq.MagneticFieldStrength : null,
      metadata: { source: 'dicom', patientPseudonym: study.patientKey.slice(0, 16) },
      volumes: {
        create: CASE_MODALITIES.map((m) => {
          const s = series[m];
          if (!s.blobKey || !s.sha256 || s.sizeBytes == null) throw new Error(`series ${s.id} has no converted volume`);
          return {
            modality: m,
            blobKey: s.blobKey,
            sha256: s.sha256,
            sizeBytes: s.sizeBytes,
            dims: s.dims as number[],
            spacing: s.spacing as number[],
            affine: s.affine as number[],
            datatype: s.datatype ?? 'unknown',
            orientation: s.orientation ?? '',
            acquisition: (s.acquisition ?? undefined) as object | undefined,
            warnings: (s.warnings ?? undefined) as string[] | undefined,
            dicomSeriesId: s.id,
          };
        }),
      },
    },
  });
  await tx.dicomStudy.update({ where: { id: study.id }, data: { status: 'CASE_CREATED', caseId: c.id, reason: null } });
  for (const m of CASE_MODALITIES) await tx.dicomSeries.update({ where: { id: series[m].id }, data: { role: m } });
  await recordAudit(tx, {
    actor,
    action: AUDIT.caseIngest,
    entityId: c.id,
    data: { externalId: c.externalId, modalities: [...CASE_MODALITIES], referenceMask: false, site: c.site },
  });
  await enqueueServing(tx, c.id);
  return c;
}
