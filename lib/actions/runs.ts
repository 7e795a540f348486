'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { startTrainingRun, type StartedRunDto } from '@/lib/server/workflows/start';
import { cancelRun } from '@/lib/server/workflows/cancel';
import type { ActionResult } from '@/lib/action-result';

const optionalInt = (max: number) =>
  z.preprocess((v) => (v === '' || v === null || v === undefined ? null : Number(v)), z.number().int().min(1).max(max).nullable());

const startSchema = z.object({
  runner: z.enum(['LOCAL', 'GITHUB_ACTIONS', 'COMMAND']),
  init: z.enum(['production', 'scratch']),
  config: z.preprocess((v) => (v === '' ? null : v), z.enum(['tiny', 'small', 'default']).nullable()).default(null),
  epochs: optionalInt(1000).default(null),
  stepsPerEpoch: optionalInt(100_000).default(null),
});

export async function startTrainingRunAction(input: unknown): Promise<ActionResult<StartedRunDto>> {
  return runAction('run:start', startSchema, input, async (user, d) => {
    const out = await startTrainingRun(user, d);
    revalidatePath('/runs');
    return out;
  });
}

export async function cancelRunAction(input: { runId: string }): Promise<ActionResult<{ status: 'CANCELLED' }>> {
  return runAction('run:start', z.object({ runId: z.string().min(1).max(100) }), input, async (user, d) => {
    const out = await cancelRun(user, d.runId);
    revalidatePath('/runs');
    revalidatePath(`/runs/${d.runId}`);
    return out;
  });
}
