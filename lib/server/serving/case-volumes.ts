import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import { readNifti, type NiftiVolume } from '../imaging/nifti';

export type CaseVolumes = Record<'T1N' | 'T1C' | 'T2W' | 'T2F', NiftiVolume>;

/** The four stored modalities of a case, decoded. Missing modalities are an error: the model needs all four. */
export async function loadCaseVolumes(caseId: string): Promise<CaseVolumes> {
  const rows = await db().volume.findMany({ where: { caseId } });
  const out: Partial<CaseVolumes> = {};
  for (const v of rows) out[v.modality as keyof CaseVolumes] = readNifti(await blobs().get(v.blobKey));
  const missing = (['T1N', 'T1C', 'T2W', 'T2F'] as const).filter((m) => !out[m]);
  if (missing.length)
    throw new AppError('INVALID_INPUT', `case ${caseId} lacks ${missing.join(', ')}: the model needs all four modalities`);
  return out as CaseVolumes;
}
