'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { pullStudies } from '@/lib/server/dicom/pacs/pull';
import { exportSeg } from '@/lib/server/dicom/seg/export';
import { sendSegToPacs } from '@/lib/server/dicom/seg/send';

const uid = z.string().regex(/^[0-9.]{1,64}$/, 'a DICOM UID is digits and dots, at most 64 characters');

/** Retrieves the chosen studies from the configured PACS into the DICOM ingestion path (whoever may ingest). */
export async function pullFromPacs(input: unknown) {
  return runAction('case:ingest', z.object({ studyUids: z.array(uid).min(1).max(50) }), input, async (user, data) => {
    const results = await pullStudies(user, data.studyUids, { trigger: 'on-demand' });
    revalidatePath('/dicom/pacs');
    revalidatePath('/cases');
    return results;
  });
}

/** Writes the case's shown prediction or approved label as a new DICOM SEG series. */
export async function exportCaseSeg(input: unknown) {
  const schema = z.object({ caseId: z.string().min(1).max(100), source: z.enum(['PREDICTION', 'LABEL']) });
  return runAction('seg:export', schema, input, async (user, data) => {
    const row = await exportSeg(user, data.caseId, data.source);
    revalidatePath(`/cases/${data.caseId}`);
    return row;
  });
}

/** Stores one SEG export in the configured PACS by STOW-RS. */
export async function sendCaseSeg(input: unknown) {
  const schema = z.object({ caseId: z.string().min(1).max(100), exportId: z.string().min(1).max(100) });
  return runAction('seg:export', schema, input, async (user, data) => {
    const row = await sendSegToPacs(user, data.caseId, data.exportId);
    revalidatePath(`/cases/${data.caseId}`);
    return row;
  });
}
