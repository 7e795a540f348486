'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { assignToMe, unassign } from '@/lib/server/labels/queue';

const caseRef = z.object({ caseId: z.string().min(1) });

/** A radiologist claims a queued case for labelling; refused (CONFLICT) when someone else holds it. */
export async function assignCaseToMe(input: unknown) {
  return runAction('case:assign', caseRef, input, async (user, { caseId }) => {
    const r = await assignToMe(user, caseId);
    revalidatePath('/review');
    revalidatePath(`/cases/${caseId}`);
    return r;
  });
}

/** The holder (or an administrator) releases a case back to the queue. */
export async function unassignCase(input: unknown) {
  return runAction('case:assign', caseRef, input, async (user, { caseId }) => {
    const r = await unassign(user, caseId);
    revalidatePath('/review');
    revalidatePath(`/cases/${caseId}`);
    return r;
  });
}
