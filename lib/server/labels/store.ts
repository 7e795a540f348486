import 'server-only';
import { countLabels, type LabelCounts } from '@/lib/editor/stats';
import type { Db, Tx } from '../db';
import { db } from '../db';
import { AppError } from '../errors';
import { blobs } from '../blobs';
import { decodeMaskFile } from './mask-codec';
import type { CaseGrid } from './grid';

export interface LabelVersionDto {
  id: string;
  number: number;
  parentId: string | null;
  parentNumber: number | null;
  authorId: string;
  /** who made it: the person, or for a MODEL version the model (name@version) */
  authorName: string;
  /** a MODEL version's model (name@version); null for people's versions */
  model: string | null;
  /** the person who saved the version (for a MODEL version: whose first save recorded the prediction) */
  recordedByName: string;
  source: 'MODEL' | 'EDIT' | 'IMPORT';
  message: string;
  sha256: string;
  voxelCounts: LabelCounts;
  changedVoxels: number;
  createdAt: string;
  isHead: boolean;
}

type VersionRow = {
  id: string;
  number: number;
  parentId: string | null;
  authorId: string;
  source: string;
  message: string;
  sha256: string;
  voxelCounts: unknown;
  changedVoxels: number;
  createdAt: Date;
  author?: { name: string } | null;
  parent?: { number: number } | null;
  modelVersion?: { name: string; version: string } | null;
};

/** Who a version is by: a MODEL version is the model's work, not that of the radiologist whose save recorded it. */
export function versionAuthor(v: Pick<VersionRow, 'source' | 'author' | 'modelVersion'>): { authorName: string; model: string | null } {
  if (v.source !== 'MODEL') return { authorName: v.author?.name ?? '', model: null };
  // versions recorded before the model was stored with them name no model
  const model = v.modelVersion ? `${v.modelVersion.name}@${v.modelVersion.version}` : null;
  return { authorName: model ?? 'the model', model };
}

export function versionDto(v: VersionRow, headVersionId: string | null): LabelVersionDto {
  return {
    id: v.id,
    number: v.number,
    parentId: v.parentId,
    parentNumber: v.parent?.number ?? null,
    authorId: v.authorId,
    ...versionAuthor(v),
    recordedByName: v.author?.name ?? '',
    source: v.source as LabelVersionDto['source'],
    message: v.message,
    sha256: v.sha256,
    voxelCounts: v.voxelCounts as LabelCounts,
    changedVoxels: v.changedVoxels,
    createdAt: v.createdAt.toISOString(),
    isHead: v.id === headVersionId,
  };
}

export const VERSION_INCLUDE = {
  author: { select: { name: true } },
  parent: { select: { number: true } },
  modelVersion: { select: { name: true, version: true } },
} as const;

/** A version of this case's label, or NOT_FOUND (a version id from another case is not found either). */
export async function findCaseVersion(client: Db | Tx, caseId: string, versionId: string) {
  const v = await client.labelVersion.findFirst({ where: { id: versionId, label: { caseId } }, include: VERSION_INCLUDE });
  if (!v) throw new AppError('NOT_FOUND', 'No such label version for this case.');
  return v;
}

/** Voxels of a stored label version (re-validated on read: a blob is trusted only as far as its checks go). */
export async function readVersionMask(version: { blobKey: string }, grid: CaseGrid): Promise<Uint8Array> {
  return decodeMaskFile(await blobs().get(version.blobKey), grid);
}

/**
 * The returned prediction: the mask clinicians saw (production's, or the canary's on a case the canary answered), and
 * the editor's starting point before any version. A shadow prediction is never returned.
 */
export async function shownPrediction(client: Db | Tx, caseId: string) {
  return client.prediction.findFirst({
    where: { caseId, returned: true },
    orderBy: { createdAt: 'desc' },
    include: { modelVersion: { select: { name: true, version: true } } },
  });
}

export async function readPredictionMask(prediction: { maskBlobKey: string }, grid: CaseGrid): Promise<Uint8Array> {
  return decodeMaskFile(await blobs().get(prediction.maskBlobKey), grid);
}

export function countsOf(mask: Uint8Array): LabelCounts {
  return countLabels(mask);
}

/** Interactive transactions wait for SQLite's single writer; the default 5 s is too short under a save burst. */
export const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

export { db };
