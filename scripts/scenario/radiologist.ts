/**
 * Simulated reading room: radiologists take cases from the review queue and do what the editor does — claim the case,
 * save a corrected mask through the editor's route (POST /api/cases/[caseId]/labels), submit it, and a second
 * radiologist approves it. Corrections are the generator's ground truth with realistic boundary noise; the hold-out
 * set-up imports the reference standard itself. Each approval checks the retraining trigger itself (approveLabel)
 * and says what it did; the reading room stops at the approval that started retraining.
 */
import { writeNiftiMask } from '@/lib/server/imaging/nifti';
import { approveLabel, getLabelState, listReviewQueue, submitForReview } from '@/lib/server/labels';
import { assignToMe } from '@/lib/server/labels/queue';
import { checkRetrainingTrigger, type TriggerResult } from '@/lib/server/datasets/trigger';
import type { UserActor } from '@/lib/server/auth/session';
import { isSqliteBusy, retryBusy } from './busy';
import { groundTruth, type CaseRef } from './cohorts';
import { inArrivalOrder } from './plan';
import { HttpError, postLabelVersion, type SavedVersion } from './client';
import { boundaryNoise } from './edits';
import type { Cast } from './setup';
import { SYSTEM } from '@/lib/server/auth/actor';

/** Share of boundary voxels where the reader's contour differs from the reference by one voxel. */
export const BOUNDARY_NOISE_RATE = 0.03;

export interface LabelOutcome {
  caseId: string;
  versionId: string;
  changedVoxels: number;
  /** the retraining trigger's check that followed the approval */
  retraining: TriggerResult;
}

/** Readers alternate, so each one authors some cases and second-reads the other's. */
function readers(cast: Cast, n: number): { author: UserActor; reviewer: UserActor } {
  return n % 2 === 0
    ? { author: cast.radiologist, reviewer: cast.secondReader }
    : { author: cast.secondReader, reviewer: cast.radiologist };
}

export async function labelCase(
  cast: Cast,
  baseUrl: string,
  caseId: string,
  ref: CaseRef,
  opts: { mode: 'edit' | 'import'; seed: string; turn: number },
): Promise<LabelOutcome> {
  const { author, reviewer } = readers(cast, opts.turn);
  const token = cast.editorTokens.get(author.id)!;
  const gt = await groundTruth(ref);
  const state = await getLabelState(SYSTEM, caseId);
  const parent = state.label?.headVersionId ?? null;
  let mask: Uint8Array;
  let message: string;
  if (opts.mode === 'import') {
    mask = gt.bytes;
    message = 'Reference standard imported for the locked hold-out';
  } else {
    const edit = boundaryNoise(gt.mask, gt.dims, `${opts.seed}:${ref.caseId}`, BOUNDARY_NOISE_RATE);
    mask = writeNiftiMask(edit.mask, gt.like, { level: 1 });
    message = 'Corrected the model segmentation';
  }
  const version = await saveVersion(baseUrl, token, author, {
    caseId,
    parentVersionId: parent,
    mask,
    message,
    source: opts.mode === 'import' ? 'IMPORT' : 'EDIT',
  });
  await retryBusy(() => submitForReview({ actor: author, caseId, versionId: version.id }));
  const approved = await retryBusy(() => approveLabel({ actor: reviewer, caseId, versionId: version.id }));
  return { caseId, versionId: version.id, changedVoxels: version.changedVoxels, retraining: approved.retraining };
}

/**
 * Saves through the editor's route. A save re-sent after a dropped connection may find its first try already
 * stored (409: the parent is no longer the head); the new head is then ours if it is this author's version with this
 * message on this parent, and is taken as the result.
 */
async function saveVersion(
  baseUrl: string,
  token: string,
  author: UserActor,
  input: Parameters<typeof postLabelVersion>[2],
): Promise<SavedVersion> {
  try {
    return await postLabelVersion(baseUrl, token, input);
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 409 && e.retried)) throw e;
    const head = (await getLabelState(SYSTEM, input.caseId)).versions.find((v) => v.isHead);
    if (head && head.authorId === author.id && head.parentId === input.parentVersionId && head.message === input.message) return head;
    throw e;
  }
}

/**
 * The approval's own check, or, when that did not start retraining, the trigger checked again: it never throws, and a
 * busy database (the app server writes to the same SQLite file) comes back as reason "error", worth another try
 * before the next approval, so that retraining starts on the same cases every run.
 */
function triggerCheck(afterApproval: TriggerResult): Promise<TriggerResult> {
  if (afterApproval.triggered) return Promise.resolve(afterApproval);
  return retryBusy(async () => {
    const t = await checkRetrainingTrigger();
    if (!t.triggered && t.reason === 'error' && isSqliteBusy(t.error)) throw new Error(t.error);
    return t;
  });
}

export interface ReadingRoom {
  approved: number;
  trigger: TriggerResult | null;
  triggeredAt: number | null;
}

/**
 * One pass over the review queue: every unassigned queued case the scenario knows the ground truth of is claimed,
 * labelled and approved (which checks the trigger); stops at the first trigger. With `settled` (arrival indices of
 * the cases whose queue membership is final), only cases all of whose predecessors are settled are taken, in
 * arrival order: a first-come-first-served reading room whose choices do not depend on timing.
 */
export async function workQueue(
  cast: Cast,
  baseUrl: string,
  known: Map<string, CaseRef>,
  seed: string,
  room: ReadingRoom,
  settled?: Map<string, number>,
): Promise<void> {
  const queue = inArrivalOrder(await listReviewQueue({ assignment: 'unassigned' }), settled);
  for (const item of queue) {
    if (room.trigger?.triggered) return;
    const ref = known.get(item.caseId);
    if (!ref || item.labelStatus === 'APPROVED') continue;
    const { author } = readers(cast, room.approved);
    await retryBusy(() => assignToMe(author, item.caseId));
    const outcome = await labelCase(cast, baseUrl, item.caseId, ref, { mode: 'edit', seed, turn: room.approved });
    room.approved++;
    const t = await triggerCheck(outcome.retraining);
    if (t.triggered) {
      room.trigger = t;
      room.triggeredAt = Date.now();
    } else if (t.reason === 'error') throw new Error(`retraining trigger failed: ${t.error}`);
  }
}
