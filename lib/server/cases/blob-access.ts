import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { can, type RoleName } from '@/lib/permissions';

/**
 * A blob is readable when something the caller may see points at it: a case volume, a reference mask, a label
 * version, a prediction returned to clinicians, or (ML engineers only) a hidden shadow/canary prediction or a model
 * file. A hash that nothing references is answered 404, like a missing one.
 */
export async function authorizeBlobRead(role: RoleName, sha256: string): Promise<void> {
  const client = db();
  const visible = await Promise.all([
    client.volume.findFirst({ where: { sha256 }, select: { id: true } }),
    client.referenceMask.findFirst({ where: { sha256 }, select: { id: true } }),
    client.labelVersion.findFirst({ where: { sha256 }, select: { id: true } }),
    client.prediction.findFirst({ where: { maskSha256: sha256, returned: true }, select: { id: true } }),
  ]);
  if (visible.some(Boolean)) return;
  const hidden = await Promise.all([
    client.prediction.findFirst({ where: { maskSha256: sha256 }, select: { id: true } }),
    client.modelVersion.findFirst({ where: { sha256 }, select: { id: true } }),
  ]);
  if (hidden.some(Boolean)) {
    if (can(role, 'prediction:view-hidden')) return;
    throw new AppError('FORBIDDEN', 'This result is not shown to clinical users.');
  }
  throw new AppError('NOT_FOUND', 'No such file.');
}
