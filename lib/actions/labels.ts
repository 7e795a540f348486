'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import {
  approveLabel,
  getLabelState,
  restoreLabelVersion,
  returnLabel,
  submitForReview,
  type LabelStateDto,
  type LabelStatusDto,
  type LabelVersionDto,
} from '@/lib/server/labels';
import type { ActionResult } from '@/lib/action-result';

// Masks themselves travel through the binary route /api/cases/[caseId]/labels (save, import) and .../labels/diff.

const id = z.string().min(1).max(100);
const decision = z.object({ caseId: id, versionId: id });

function revalidateCase(caseId: string) {
  revalidatePath(`/cases/${caseId}`);
  revalidatePath('/review');
}

export async function getLabelStateAction(input: { caseId: string }): Promise<ActionResult<LabelStateDto>> {
  return runAction('label:edit', z.object({ caseId: id }), input, (user, d) => getLabelState(user, d.caseId));
}

export async function submitForReviewAction(input: { caseId: string; versionId: string }): Promise<ActionResult<LabelStatusDto>> {
  return runAction('label:edit', decision, input, async (user, d) => {
    const out = await submitForReview({ actor: user, ...d });
    revalidateCase(d.caseId);
    return out;
  });
}

export async function approveLabelAction(input: { caseId: string; versionId: string }): Promise<ActionResult<LabelStatusDto>> {
  return runAction('label:review', decision, input, async (user, d) => {
    // approveLabel also checks the retraining trigger; its outcome is for server code, not the editor.
    const { retraining: _retraining, ...out } = await approveLabel({ actor: user, ...d });
    revalidateCase(d.caseId);
    return out;
  });
}

export async function returnLabelAction(input: {
  caseId: string;
  versionId: string;
  comment: string;
}): Promise<ActionResult<LabelStatusDto>> {
  const schema = decision.extend({ comment: z.string().trim().min(1, 'Say what needs to change').max(2000) });
  return runAction('label:review', schema, input, async (user, d) => {
    const out = await returnLabel({ actor: user, ...d });
    revalidateCase(d.caseId);
    return out;
  });
}

export async function restoreLabelVersionAction(input: {
  caseId: string;
  versionId: string;
  parentVersionId: string | null;
}): Promise<ActionResult<LabelVersionDto>> {
  const schema = z.object({ caseId: id, versionId: id, parentVersionId: id.nullable() });
  return runAction('label:edit', schema, input, async (user, d) => {
    const out = await restoreLabelVersion({ actor: user, ...d });
    revalidateCase(d.caseId);
    return out;
  });
}
