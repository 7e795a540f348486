'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { lockDataset, removeCaseFromDataset } from '@/lib/server/datasets/members';
import { MAX_PICKED, pickCasesForDataset, type PickResultDto } from '@/lib/server/datasets/pick';
import type { ActionResult } from '@/lib/action-result';

const id = z.string().min(1).max(100);

export async function lockDatasetAction(input: { datasetId: string }): Promise<ActionResult<{ lockedAt: string }>> {
  return runAction('dataset:manage', z.object({ datasetId: id }), input, async (user, d) => {
    const out = await lockDataset(user, d.datasetId);
    revalidatePath('/datasets', 'layout');
    return out;
  });
}

/** Cases picked (ticked) on the case list or the review queue; unapproved labels need `confirmUnapproved`. */
export async function pickCasesForDatasetAction(input: {
  datasetId: string;
  caseIds: string[];
  confirmUnapproved: boolean;
}): Promise<ActionResult<PickResultDto>> {
  const schema = z.object({
    datasetId: id,
    caseIds: z.array(id).min(1, 'Tick at least one case').max(MAX_PICKED),
    confirmUnapproved: z.boolean(),
  });
  return runAction('dataset:manage', schema, input, async (user, d) => {
    const out = await pickCasesForDataset(user, d);
    if (out.status === 'added') revalidatePath('/datasets', 'layout');
    return out;
  });
}

export async function removeCaseFromDatasetAction(input: { datasetId: string; caseId: string }): Promise<ActionResult<{ removed: true }>> {
  return runAction('dataset:manage', z.object({ datasetId: id, caseId: id }), input, async (user, d) => {
    await removeCaseFromDataset(user, d);
    revalidatePath('/datasets', 'layout');
    return { removed: true as const };
  });
}
