'use server';
import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/server/actions';
import { createFlag, flagInputSchema } from '@/lib/server/flags';

/**
 * A physician or radiologist flags a case's prediction (reason + note); the case then enters the review queue (and,
 * if its ground truth is already approved, counts toward retraining: createFlag checks the trigger).
 */
export async function flagPrediction(input: unknown) {
  return runAction('case:flag', flagInputSchema, input, async (user, data) => {
    const flag = await createFlag(user, data);
    revalidatePath(`/cases/${flag.caseId}`);
    revalidatePath('/review');
    return flag;
  });
}
