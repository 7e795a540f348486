'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { saveCriteriaVersion, type CriteriaVersionDto } from '@/lib/server/evaluation/criteria';
import { criteriaEditSchema } from '@/lib/schemas/criteria';
import type { ActionResult } from '@/lib/action-result';

/** Saves the edited acceptance criteria as a new version (the old versions stay, and evaluations name theirs). */
export async function saveCriteriaAction(input: z.input<typeof criteriaEditSchema>): Promise<ActionResult<CriteriaVersionDto>> {
  return runAction('criteria:edit', criteriaEditSchema, input, async (user, d) => {
    const out = await saveCriteriaVersion(user, d);
    revalidatePath('/models');
    return out;
  });
}
