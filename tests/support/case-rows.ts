/**
 * Case rows written straight into a test database (no ingestion, so no serving job), blob first as the app does:
 * the volumes of a synthetic case, and a prediction clinicians are shown. Shared by the Vitest fixtures and the e2e
 * seed helpers.
 */
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { writeNifti } from '@/lib/server/imaging/nifti';

type Vec3 = [number, number, number];
const MODALITIES = ['T1N', 'T1C', 'T2W', 'T2F'] as const;

/** Four int16 LPS volumes of the case; `imageOf` gives each modality's voxels (the same image for all by default). */
export async function storeVolumes(
  caseId: string,
  grid: { dims: Vec3; affine: number[]; spacing: Vec3 },
  imageOf: (modality: (typeof MODALITIES)[number], index: number) => Int16Array,
): Promise<void> {
  for (const [i, modality] of MODALITIES.entries()) {
    const put = await blobs().put(writeNifti({ dims: grid.dims, affine: grid.affine, data: imageOf(modality, i) }));
    await db().volume.create({
      data: {
        caseId,
        modality,
        blobKey: put.key,
        sha256: put.sha256,
        sizeBytes: put.size,
        dims: grid.dims,
        spacing: grid.spacing,
        affine: grid.affine,
        datatype: 'int16',
        orientation: 'LPS',
      },
    });
  }
}

/** A PRODUCTION prediction returned to clinicians, from a NIfTI mask file's bytes. */
export async function storeShownPrediction(caseId: string, modelVersionId: string, maskNifti: Uint8Array) {
  const mask = await blobs().put(maskNifti);
  return db().prediction.create({
    data: {
      caseId,
      modelVersionId,
      role: 'PRODUCTION',
      returned: true,
      maskBlobKey: mask.key,
      maskSha256: mask.sha256,
      volumesMl: {},
      latencyMs: 0,
    },
  });
}

/**
 * What the labels service does on approval, written directly: the case's reference mask becomes the APPROVED head.
 * One transaction (pass `tx` or let it open one), so a retry after SQLITE_BUSY never finds a label without its version.
 */
export async function approveReferenceMask(caseId: string, authorId: string, reviewerId: string | null = null, message = '') {
  return db().$transaction(async (tx) => {
    const ref = await tx.referenceMask.findUniqueOrThrow({ where: { caseId } });
    const label = await tx.label.create({ data: { caseId, status: 'APPROVED', approvedAt: new Date(), reviewerId } });
    const v = await tx.labelVersion.create({
      data: {
        labelId: label.id,
        number: 1,
        authorId,
        blobKey: ref.blobKey,
        sha256: ref.sha256,
        source: 'IMPORT',
        voxelCounts: {},
        changedVoxels: 0,
        message,
      },
    });
    await tx.label.update({ where: { id: label.id }, data: { headVersionId: v.id } });
    return v;
  });
}
