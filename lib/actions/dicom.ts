'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { AppError } from '@/lib/server/errors';
import { assignStudySeries, assignmentSchema, dismissSchema, dismissStudy } from '@/lib/server/dicom/decisions';
import { saveClassificationRules } from '@/lib/server/dicom/rules';
import type { ActionResult } from '@/lib/action-result';

/** Replaces the series classification rules with the edited JSON (validated and audited by the domain call). */
export async function saveDicomRulesAction(input: { json: string }): Promise<ActionResult<{ rules: number }>> {
  return runAction('dicom:rules', z.object({ json: z.string().max(200_000) }), input, async (user, d) => {
    let raw: unknown;
    try {
      raw = JSON.parse(d.json);
    } catch (e) {
      throw new AppError('INVALID_INPUT', `rules: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const saved = await saveClassificationRules(user, raw);
    revalidatePath('/dicom/rules');
    return { rules: saved.rules.length };
  });
}

/** A person assigns a waiting study's series to the four sequences; the case is created from them. */
export async function assignDicomStudyAction(
  input: z.input<typeof assignmentSchema>,
): Promise<ActionResult<{ caseId: string; externalId: string }>> {
  return runAction('dicom:decide', assignmentSchema, input, async (user, d) => {
    const out = await assignStudySeries(user, d);
    revalidatePath('/dicom/decisions');
    revalidatePath('/cases');
    return out;
  });
}

/** A person sets a waiting study aside with a reason; no case is made. */
export async function dismissDicomStudyAction(input: z.input<typeof dismissSchema>): Promise<ActionResult<null>> {
  return runAction('dicom:decide', dismissSchema, input, async (user, d) => {
    await dismissStudy(user, d);
    revalidatePath('/dicom/decisions');
    return null;
  });
}
