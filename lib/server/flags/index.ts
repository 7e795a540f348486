import 'server-only';
/** Physician feedback: a flag on a case's prediction (reason + note), attributed to its author and audited. */
import { z } from 'zod';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { can } from '@/lib/permissions';
import { checkCanaryHealth } from '../registry/canary';
import { checkRetrainingTrigger } from '../datasets/trigger';
import type { UserActor } from '../auth/session';
import { FLAG_NOTE_MAX, FLAG_REASONS, type FlagReasonName } from '@/lib/flags';

export const flagInputSchema = z.object({
  caseId: z.string().min(1),
  /** defaults to the prediction clinicians were shown (the returned one) */
  predictionId: z.string().min(1).optional(),
  reason: z.enum(FLAG_REASONS, { error: 'Choose a reason.' }),
  note: z.string().trim().max(FLAG_NOTE_MAX, `At most ${FLAG_NOTE_MAX} characters.`).default(''),
});
export type FlagInput = z.input<typeof flagInputSchema>;

export interface FlagDto {
  id: string;
  caseId: string;
  predictionId: string | null;
  model: string | null;
  reason: FlagReasonName;
  note: string;
  author: { name: string; email: string; role: string };
  createdAt: string;
}

type FlagRow = {
  id: string;
  caseId: string;
  predictionId: string | null;
  reason: string;
  note: string;
  createdAt: Date;
  user: { name: string; email: string; role: string };
  prediction: { modelVersion: { name: string; version: string } } | null;
};

const include = {
  user: { select: { name: true, email: true, role: true } },
  prediction: { select: { modelVersion: { select: { name: true, version: true } } } },
} as const;

function toDto(f: FlagRow): FlagDto {
  return {
    id: f.id,
    caseId: f.caseId,
    predictionId: f.predictionId,
    model: f.prediction ? `${f.prediction.modelVersion.name} ${f.prediction.modelVersion.version}` : null,
    reason: f.reason as FlagReasonName,
    note: f.note,
    author: f.user,
    createdAt: f.createdAt.toISOString(),
  };
}

/**
 * Flags a case's prediction. A flag on a canary prediction re-checks the canary at once: physician flags are one of
 * its rollback signals, and waiting for the next canary case would leave a failing canary serving in the meantime.
 * A flag on a case whose ground truth is already approved makes that case pending for retraining at once, so the
 * retraining trigger is checked then, as after an approval (lib/server/labels/review.ts says why after the commit
 * rather than as a job). A flag on any other case cannot change what the trigger counts, so it does not check: a
 * check there could only race the approval that reaches N, which reports the trigger to its caller.
 */
export async function createFlag(actor: UserActor, raw: FlagInput): Promise<FlagDto> {
  const { flag, role, approved } = await storeFlag(actor, flagInputSchema.parse(raw));
  // the flag is stored either way; a failed check is repeated after the next canary case and when promotion is signed
  if (role === 'CANARY') await checkCanaryHealth().catch((err) => console.error('[canary] health check after a flag failed', err));
  // never throws: the flag stands whatever the trigger reports
  if (approved) await checkRetrainingTrigger();
  return flag;
}

async function storeFlag(
  actor: UserActor,
  input: z.infer<typeof flagInputSchema>,
): Promise<{ flag: FlagDto; role: string | null; approved: boolean }> {
  return db().$transaction(async (tx) => {
    const c = await tx.case.findUnique({ where: { id: input.caseId }, select: { id: true, label: { select: { status: true } } } });
    if (!c) throw new AppError('NOT_FOUND', 'Case not found.');
    const target = input.predictionId
      ? await tx.prediction.findUnique({
          where: { id: input.predictionId },
          select: { id: true, caseId: true, role: true, returned: true },
        })
      : await tx.prediction.findFirst({
          where: { caseId: c.id, returned: true },
          orderBy: { createdAt: 'desc' },
          select: { id: true, caseId: true, role: true, returned: true },
        });
    if (input.predictionId && (!target || target.caseId !== c.id))
      throw new AppError('INVALID_INPUT', 'That prediction does not belong to this case.');
    // a clinician flags what they were shown; a hidden (shadow, or unreturned) mask is not theirs to see or flag
    if (target && !target.returned && !can(actor.role, 'prediction:view-hidden'))
      throw new AppError('INVALID_INPUT', 'That prediction is not shown to clinical users.');
    const predictionId = target?.id ?? null;
    const flag = await tx.flag.create({
      data: { caseId: c.id, predictionId, userId: actor.id, reason: input.reason, note: input.note },
      include,
    });
    await recordAudit(tx, { actor, action: AUDIT.caseFlag, entityId: c.id, data: { flagId: flag.id, predictionId, reason: input.reason } });
    return { flag: toDto(flag), role: target?.role ?? null, approved: c.label?.status === 'APPROVED' };
  });
}

export async function listFlags(caseId: string): Promise<FlagDto[]> {
  const rows = await db().flag.findMany({ where: { caseId }, orderBy: { createdAt: 'desc' }, include });
  return rows.map(toDto);
}
