'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { addCasesToDataset, lockDataset, type MembershipChangeDto } from '@/lib/server/datasets/members';
import type { ActionResult } from '@/lib/action-result';

const id = z.string().min(1).max(100);

export async function lockDatasetAction(input: { datasetId: string }): Promise<ActionResult<{ lockedAt: string }>> {
  return runAction('dataset:manage', z.object({ datasetId: id }), input, async (user, d) => {
    const out = await lockDataset(user, d.datasetId);
    revalidatePath('/datasets');
    return out;
  });
}

/** Case ids as typed by a person: pseudonymised external ids separated by commas, spaces or new lines. */
const externalIds = z
  .string()
  .transform((s) =>
    s
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(64)).min(1, 'Enter at least one case id').max(1000));

export async function addCasesToDatasetAction(input: {
  datasetId: string;
  externalIds: string;
}): Promise<ActionResult<MembershipChangeDto>> {
  return runAction('dataset:manage', z.object({ datasetId: id, externalIds }), input, async (user, d) => {
    const out = await addCasesToDataset(user, { datasetId: d.datasetId, externalIds: d.externalIds });
    revalidatePath('/datasets');
    return out;
  });
}
