import 'server-only';
import { changedVoxels } from '@/lib/editor/stats';
import { db, isUniqueViolation } from '../db';
import { AppError } from '../errors';
import { blobs } from '../blobs';
import type { Actor } from '../auth/actor';
import { loadCaseGrid, type CaseGrid } from './grid';
import { decodeMaskFile, encodeMask, validateMaskArray } from './mask-codec';
import {
  countsOf,
  findCaseVersion,
  shownPrediction,
  readPredictionMask,
  readVersionMask,
  TX_OPTIONS,
  VERSION_INCLUDE,
  versionDto,
  type LabelVersionDto,
} from './store';
import { commitVersion, type CommitInput, type PreparedMask } from './commit';
import { authorize, personId } from '../auth/authorize';

export interface SaveLabelVersionInput {
  actor: Actor;
  caseId: string;
  /**
   * The version the edit started from: the head the editor opened. null when the case had no version yet (the editor
   * opened the shown prediction). The save is refused with CONFLICT unless this is still the head.
   */
  parentVersionId: string | null;
  /** a NIfTI mask (.nii or .nii.gz) on the case grid; or */
  maskBytes?: Uint8Array;
  /** voxels on the case grid in its native order, product labels 0-3 */
  mask?: Uint8Array;
  /** convention of `maskBytes` (e.g. "brats2020" remaps 4 -> 3); default the product convention */
  labelMap?: string;
  message?: string;
  source: 'MODEL' | 'EDIT' | 'IMPORT';
  /** store the version without moving the head (after a conflict), to compare and restore later */
  asBranch?: boolean;
  /** save on a case another radiologist has claimed, taking the claim over (audited); refused with CLAIMED without */
  takeOver?: boolean;
  /** extra audit data (e.g. which version a restore came from) */
  auditData?: CommitInput['auditData'];
}

/**
 * Saves a new immutable label version. The mask is validated against the case grid, stored as a content-addressed
 * NIfTI blob before any row points at it, and the head moves only if it is still `parentVersionId` (compare-and-set in
 * the transaction): of two saves on the same parent exactly one wins, the other gets CONFLICT and its mask is untouched
 * in the caller's hands, to be saved with `asBranch`. The first save of a case also records the production
 * prediction as version 1 (source MODEL), so every edit has a visible, diffable parent.
 */
export async function saveLabelVersion(input: SaveLabelVersionInput): Promise<LabelVersionDto> {
  const authorId = personId(await authorize(input.actor, 'label:edit', { who: 'person' }));
  const message = (input.message ?? '').trim().slice(0, 2000);
  const grid = await loadCaseGrid(db(), input.caseId);
  const mask = decodeInput(input, grid);
  const parent = input.parentVersionId ? await findCaseVersion(db(), input.caseId, input.parentVersionId) : null;
  const model = parent || input.source === 'MODEL' ? null : await modelBaseline(input.caseId, grid);
  const base = parent ? await readVersionMask(parent, grid) : (model?.mask ?? null);
  const prepared: PreparedMask = {
    blob: await blobs().put(encodeMask(mask, grid)),
    voxelCounts: countsOf(mask),
    changedVoxels: base ? changedVoxels(base, mask) : countNonZero(mask),
  };
  const modelPrepared = model
    ? {
        blob: await blobs().put(encodeMask(model.mask, grid)),
        voxelCounts: countsOf(model.mask),
        changedVoxels: countNonZero(model.mask),
        predictionId: model.predictionId,
        modelVersionId: model.modelVersionId,
      }
    : null;
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db().$transaction(
        (tx) => commitVersion(tx, { ...input, message, authorId, prepared, model: modelPrepared }),
        TX_OPTIONS,
      );
      return versionDto(row, input.asBranch ? null : row.id);
    } catch (e) {
      // Two first saves racing to create the Label row (or a version number): retry, and the compare-and-set decides.
      if (isUniqueViolation(e) && attempt < 2) continue;
      throw e;
    }
  }
}

function decodeInput(input: SaveLabelVersionInput, grid: CaseGrid): Uint8Array {
  if (input.maskBytes) return decodeMaskFile(input.maskBytes, grid, input.labelMap);
  if (input.mask) return validateMaskArray(input.mask, grid);
  throw new AppError('INVALID_INPUT', 'No mask was sent.');
}

function countNonZero(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** The shown prediction's mask, when the case has no label version yet (it becomes version 1). */
async function modelBaseline(
  caseId: string,
  grid: CaseGrid,
): Promise<{ mask: Uint8Array; predictionId: string; modelVersionId: string } | null> {
  const existing = await db().labelVersion.count({ where: { label: { caseId } } });
  if (existing > 0) return null;
  const prediction = await shownPrediction(db(), caseId);
  if (!prediction) return null;
  return { mask: await readPredictionMask(prediction, grid), predictionId: prediction.id, modelVersionId: prediction.modelVersionId };
}

export interface RestoreLabelVersionInput {
  actor: Actor;
  caseId: string;
  /** the old version to bring back */
  versionId: string;
  /** the head the user is looking at (compare-and-set, as for any save) */
  parentVersionId: string | null;
  message?: string;
}

/** Restores an old version as a new head version (history is never rewritten). */
export async function restoreLabelVersion(input: RestoreLabelVersionInput): Promise<LabelVersionDto> {
  await authorize(input.actor, 'label:edit', { who: 'person' });
  const grid = await loadCaseGrid(db(), input.caseId);
  const old = await findCaseVersion(db(), input.caseId, input.versionId);
  return saveLabelVersion({
    actor: input.actor,
    caseId: input.caseId,
    parentVersionId: input.parentVersionId,
    mask: await readVersionMask(old, grid),
    source: 'EDIT',
    message: input.message?.trim() || `Restored version ${old.number}`,
    auditData: { restoredFromId: old.id, restoredFromNumber: old.number },
  });
}

/** Every version of the case's label, newest first. */
export async function listLabelVersions(caseId: string): Promise<LabelVersionDto[]> {
  const label = await db().label.findUnique({ where: { caseId }, select: { headVersionId: true } });
  if (!label) return [];
  const rows = await db().labelVersion.findMany({ where: { label: { caseId } }, include: VERSION_INCLUDE, orderBy: { number: 'desc' } });
  return rows.map((r) => versionDto(r, label.headVersionId));
}

/** Voxels of any version of the case (datasets read approved ones through getApprovedLabel). */
export async function readLabelVersionMask(caseId: string, versionId: string): Promise<Uint8Array> {
  const grid = await loadCaseGrid(db(), caseId);
  return readVersionMask(await findCaseVersion(db(), caseId, versionId), grid);
}
