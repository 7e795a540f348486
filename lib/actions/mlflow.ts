'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { importFromMlflow } from '@/lib/server/mlflow/import';
import type { ImportedModel } from '@/lib/server/registry/import';
import type { ActionResult } from '@/lib/action-result';

const optional = z
  .string()
  .trim()
  .max(100)
  .transform((s) => s || undefined)
  .optional();

/** The import page's MLflow field: the domain function checks the role again, downloads, validates and audits. */
export async function importFromMlflowAction(input: {
  uri: string;
  name?: string;
  version?: string;
}): Promise<ActionResult<ImportedModel>> {
  const schema = z.object({ uri: z.string().trim().min(1, 'Give a models:/ URI').max(500), name: optional, version: optional });
  return runAction('model:register', schema, input, async (user, d) => {
    const model = await importFromMlflow(user, d);
    revalidatePath('/models');
    return model;
  });
}
