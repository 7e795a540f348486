import 'server-only';
import { db, isUniqueViolation } from '../db';
import { env } from '../env';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { validateCaseFiles, ImagingValidationError, type ValidatedCase, type ValidatedVolume } from '../imaging/validate';
import { caseMetadataSchema, type CaseMetadata } from '@/lib/schemas/case';
import { assertQueueCapacity } from '../jobs';
import { enqueueServing } from '../serving/jobs';
import { admitToQueue } from '../jobs/admission';
import { refuseDicomAsNifti } from '../dicom/detect';
import { prepareUpload } from '../imaging/prepare-upload';
import type { RegistrationRecord } from '../imaging/coregister';

export interface UploadedFile {
  field: string;
  filename: string;
  bytes: Uint8Array;
}

export interface IngestResult {
  caseId: string;
  externalId: string;
  created: boolean;
}

/**
 * Validates everything before storing anything; stores blobs before the rows that point at them; the same files for
 * the same case id are a no-op (idempotent re-upload), different files for an existing case id are a conflict.
 */
export async function ingestCase(actor: Actor, rawMetadata: unknown, files: UploadedFile[]): Promise<IngestResult> {
  refuseDicomAsNifti(files);
  const metadata = parseMetadata(rawMetadata);
  await assertQueueCapacity();
  // co-registration onto one grid, then the configured skull-stripping (lib/server/imaging/prepare-upload.ts)
  const aligned = await prepareUpload(files);
  const validated = validate(aligned.files, metadata);
  for (const v of Object.values(validated.volumes)) if (aligned.stripped[v.modality]) v.warnings.push(aligned.stripped[v.modality]!);
  const existing = await findExisting(metadata.caseId, validated);
  if (existing) return existing;

  const store = blobs();
  const stored: StoredVolume[] = await Promise.all(
    Object.values(validated.volumes).map(async (v) => ({
      v,
      put: await store.put(v.bytes),
      registration: aligned.registrations[v.modality],
    })),
  );
  const maskPut = validated.mask ? await store.put(validated.mask.bytes) : undefined;

  let created;
  try {
    created = await createCase(actor, metadata, stored, maskPut);
  } catch (e) {
    // the same case uploaded twice at once: the loser meets the unique case id and answers like a re-upload
    const again = isUniqueViolation(e) ? await findExisting(metadata.caseId, validated) : null;
    if (again) return again;
    throw e;
  }
  return { caseId: created.id, externalId: created.externalId, created: true };
}

type StoredVolume = { v: ValidatedVolume; put: { key: string; sha256: string; size: number }; registration?: RegistrationRecord };

/** The case, its volumes, its reference mask, the audit event and the serving job: one transaction. */
async function createCase(actor: Actor, metadata: CaseMetadata, stored: StoredVolume[], maskPut?: { key: string; sha256: string }) {
  return db().$transaction(async (tx) => {
    await admitToQueue(tx);
    const c = await tx.case.create({
      data: {
        externalId: metadata.caseId,
        site: metadata.site,
        scannerManufacturer: metadata.scannerManufacturer,
        scannerModel: metadata.scannerModel,
        fieldStrength: metadata.fieldStrength,
        acquisitionDate: metadata.acquisitionDate ? new Date(metadata.acquisitionDate) : undefined,
        // modality and hash only: an uploaded file's name can carry the patient's name
        metadata: {
          patientPseudonym: metadata.patientPseudonym ?? null,
          files: stored.map((s) => ({ modality: s.v.modality, sha256: s.put.sha256 })),
        },
        volumes: {
          create: stored.map(({ v, put, registration }) => ({
            modality: v.modality,
            blobKey: put.key,
            sha256: put.sha256,
            sizeBytes: put.size,
            dims: v.dims,
            spacing: v.spacing,
            affine: v.affine,
            datatype: v.datatype,
            orientation: v.orientation,
            registration: registration ? { ...registration } : undefined,
            warnings: v.warnings.length ? v.warnings : undefined,
          })),
        },
        referenceMask: maskPut ? { create: { blobKey: maskPut.key, sha256: maskPut.sha256 } } : undefined,
      },
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.caseIngest,
      entityId: c.id,
      data: {
        externalId: c.externalId,
        modalities: stored.map((s) => s.v.modality),
        referenceMask: !!maskPut,
        site: metadata.site ?? null,
        coregistered: stored.filter((s) => s.registration).map((s) => s.v.modality),
      },
    });
    await enqueueServing(tx, c.id);
    return c;
  });
}

function parseMetadata(raw: unknown): CaseMetadata {
  const parsed = caseMetadataSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const i of parsed.error.issues) (fieldErrors[i.path.join('.') || 'metadata'] ??= []).push(i.message);
  const first = parsed.error.issues[0];
  throw new AppError('INVALID_INPUT', `metadata: ${first.path.join('.') || 'metadata'}: ${first.message}`, { fieldErrors });
}

function validate(files: UploadedFile[], metadata: CaseMetadata): ValidatedCase {
  const e = env();
  try {
    return validateCaseFiles(files, {
      maskLabelMap: metadata.maskLabelMap,
      maxFileBytes: e.INGEST_MAX_FILE_BYTES,
      maxInflatedBytes: e.INGEST_MAX_INFLATED_BYTES,
    });
  } catch (err) {
    if (err instanceof ImagingValidationError) {
      const code = err.status === 413 ? 'TOO_LARGE' : err.status === 415 ? 'UNSUPPORTED_MEDIA' : 'INVALID_INPUT';
      throw new AppError(code, err.message, { status: err.status }); // the message already names the file
    }
    throw err;
  }
}

async function findExisting(externalId: string, validated: ValidatedCase): Promise<IngestResult | null> {
  const existing = await db().case.findUnique({ where: { externalId }, include: { volumes: true, referenceMask: true } });
  if (!existing) return null;
  const stored = new Map(existing.volumes.map((v) => [v.modality as string, v.sha256]));
  const sent = Object.values(validated.volumes);
  const same =
    sent.length === stored.size &&
    sent.every((v) => stored.get(v.modality) === v.sha256) &&
    (validated.mask?.sha256 ?? null) === (existing.referenceMask?.sha256 ?? null);
  if (!same) throw new AppError('CONFLICT', `Case ${externalId} already exists with different files; use a new pseudonymised case id.`);
  return { caseId: existing.id, externalId, created: false };
}
