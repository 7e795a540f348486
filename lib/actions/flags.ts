'use server';
import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/server/actions';
import { createFlag, flagInputSchema } from '@/lib/server/flags';
import { checkRetrainingTrigger } from '@/lib/server/datasets/trigger';

/**
 * A physician or radiologist flags a case's prediction (reason + note); the case then enters the review queue. A flag
 * on a case whose ground truth is already approved makes it pending at once, so the retraining trigger is checked
 * here as after an approval (it never fails the flag).
 */
export async function flagPrediction(input: unknown) {
  return runAction('case:flag', flagInputSchema, input, async (user, data) => {
    const flag = await createFlag(user, data);
    await checkRetrainingTrigger();
    revalidatePath(`/cases/${flag.caseId}`);
    revalidatePath('/review');
    return flag;
  });
}
