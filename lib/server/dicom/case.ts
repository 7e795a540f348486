import 'server-only';
import { createHash } from 'node:crypto';
import type { Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { blobs } from '../blobs';
import { env } from '../env';
import { AppError } from '../errors';
import type { RegistrationRecord } from '../imaging/coregister';
import { prepareUpload } from '../imaging/prepare-upload';
import { ImagingValidationError } from '../imaging/errors';
import { CASE_MODALITIES, type CaseModality } from '../imaging/validate';
import { parseUpload, sanitizedCopy } from '../imaging/validate-file';
import { admitToQueue } from '../jobs/admission';
import { enqueueServing } from '../serving/jobs';
import type { Acquisition } from './privacy';

/** A converted series a case can be built from (a DicomSeries row, or one about to be written). */
export interface SourceSeries {
  seriesKey: string;
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

/** A case volume: its series' converted volume, or that volume resampled onto the reference grid. */
export type CaseVolume = SourceSeries & { blobKey: string; sha256: string; sizeBytes: number; registration?: RegistrationRecord };

/**
 * THE co-registration and skull-stripping call site for DICOM studies: sequences on different grids are brought onto
 * the reference grid by H7's rigid co-registration, then stripped when a step is configured
 * (lib/server/imaging/prepare-upload.ts, the same step NIfTI uploads use) before a case exists; the changed volumes
 * are stored as new blobs and carry their registration record and stripping note. Runs outside any
 * transaction (registration takes seconds). `read` gives a series' stored NIfTI bytes.
 */
export async function caseVolumesOnOneGrid(
  series: Record<CaseModality, SourceSeries>,
  read: (s: SourceSeries) => Promise<Uint8Array>,
): Promise<Record<CaseModality, CaseVolume>> {
  for (const m of CASE_MODALITIES) if (!series[m].blobKey) throw new Error(`series for ${m} has no converted volume`);
  const out = { ...series } as Record<CaseModality, CaseVolume>;
  const files = await Promise.all(
    CASE_MODALITIES.map(async (m) => ({ field: m.toLowerCase(), filename: m, bytes: await read(series[m]) })),
  );
  const aligned = await prepareUpload(files);
  for (const m of CASE_MODALITIES) {
    const [registration, stripped] = [aligned.registrations[m], aligned.stripped[m]];
    if (!registration && !stripped) continue;
    const bytes = aligned.files.find((f) => f.filename === m)!.bytes;
    const warnings = [...((series[m].warnings as string[] | null) ?? []), ...(stripped ? [stripped] : [])];
    out[m] = { ...series[m], ...(await storeResampled(m, bytes)), registration, warnings: warnings.length ? warnings : null };
  }
  return out;
}

async function storeResampled(m: CaseModality, bytes: Uint8Array) {
  const e = env();
  try {
    const parsed = parseUpload(`${m} (preprocessed)`, bytes, { maxFileBytes: Infinity, maxInflatedBytes: e.INGEST_MAX_INFLATED_BYTES });
    const stored = sanitizedCopy(parsed, 6);
    const put = await blobs().put(stored);
    const { dims, spacing, affine, datatype } = parsed.volume;
    const sha256 = createHash('sha256').update(stored).digest('hex');
    return { blobKey: put.key, sha256, sizeBytes: put.size, dims, spacing, affine, datatype, orientation: parsed.orientation };
  } catch (err) {
    if (err instanceof ImagingValidationError) throw new AppError('INVALID_INPUT', err.message, { status: 422 });
    throw err;
  }
}

/** The case, its volumes (pointing at their source series), the audit event and the serving job, inside `tx`. */
export async function createCaseFromSeries(
  tx: Tx,
  actor: Actor,
  study: { id: string; patientKey: string; externalId: string; site: string | null },
  volumes: Record<CaseModality, CaseVolume>,
) {
  await admitToQueue(tx);
  const rows = await tx.dicomSeries.findMany({ where: { studyId: study.id }, select: { id: true, seriesKey: true } });
  const idOf = new Map(rows.map((r) => [r.seriesKey, r.id]));
  const acq = (volumes.T1C.acquisition ?? {}) as Acquisition;
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
          const v = volumes[m];
          return {
            modality: m,
            blobKey: v.blobKey,
            sha256: v.sha256,
            sizeBytes: v.sizeBytes,
            dims: v.dims as number[],
            spacing: v.spacing as number[],
            affine: v.affine as number[],
            datatype: v.datatype ?? 'unknown',
            orientation: v.orientation ?? '',
            acquisition: (v.acquisition ?? undefined) as object | undefined,
            warnings: (v.warnings ?? undefined) as string[] | undefined,
            registration: v.registration ? { ...v.registration } : undefined,
            dicomSeriesId: idOf.get(v.seriesKey),
          };
        }),
      },
    },
  });
  await tx.dicomStudy.update({ where: { id: study.id }, data: { status: 'CASE_CREATED', caseId: c.id, reason: null } });
  for (const m of CASE_MODALITIES) await tx.dicomSeries.update({ where: { id: idOf.get(volumes[m].seriesKey)! }, data: { role: m } });
  await recordAudit(tx, {
    actor,
    action: AUDIT.caseIngest,
    entityId: c.id,
    data: {
      externalId: c.externalId,
      modalities: [...CASE_MODALITIES],
      referenceMask: false,
      site: c.site,
      coregistered: CASE_MODALITIES.filter((m) => volumes[m].registration),
    },
  });
  await enqueueServing(tx, c.id);
  return c;
}
