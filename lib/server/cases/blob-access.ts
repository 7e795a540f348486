import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { can, type RoleName } from '@/lib/permissions';

/** The ground truth a blob is: label versions and reference masks with that hash (the locked-hold-out audit needs them). */
export interface GroundTruthRefs {
  labelVersions: { id: string; caseId: string }[];
  referenceCaseIds: string[];
}

/**
 * A blob is readable when something the caller may see points at it: a case volume, a reference mask, a label
 * version, a prediction returned to clinicians, or (ML engineers only) a hidden shadow/canary prediction or a model
 * file. A hash that nothing references is answered 404, like a missing one. Returns the ground truth it found, so
 * the caller need not look it up again.
 */
export async function authorizeBlobRead(role: RoleName, sha256: string): Promise<GroundTruthRefs> {
  const client = db();
  const [volume, references, versions, shown] = await Promise.all([
    client.volume.findFirst({ where: { sha256 }, select: { id: true } }),
    client.referenceMask.findMany({ where: { sha256 }, select: { caseId: true } }),
    client.labelVersion.findMany({ where: { sha256 }, select: { id: true, label: { select: { caseId: true } } } }),
    client.prediction.findFirst({ where: { maskSha256: sha256, returned: true }, select: { id: true } }),
  ]);
  const refs = {
    labelVersions: versions.map((v) => ({ id: v.id, caseId: v.label.caseId })),
    referenceCaseIds: references.map((r) => r.caseId),
  };
  if (volume || shown || refs.labelVersions.length || refs.referenceCaseIds.length) return refs;
  const hidden = await Promise.all([
    client.prediction.findFirst({ where: { maskSha256: sha256 }, select: { id: true } }),
    client.modelVersion.findFirst({ where: { sha256 }, select: { id: true } }),
  ]);
  if (hidden.some(Boolean)) {
    if (can(role, 'prediction:view-hidden')) return refs;
    throw new AppError('FORBIDDEN', 'This result is not shown to clinical users.');
  }
  throw new AppError('NOT_FOUND', 'No such file.');
}
