import 'server-only';
import { AppError } from '../errors';

/**
 * The promotion state machine. Every stage change goes through one of these steps; anything else is refused.
 *
 *   CANDIDATE --shadow--> SHADOW --canary--> CANARY --production--> PRODUCTION --rollback--> REJECTED
 *       \________________\_______________\--reject / canary rollback--> REJECTED
 *   the previous PRODUCTION is ARCHIVED by a promotion and restored (ARCHIVED -> PRODUCTION) by a rollback.
 */
export type Stage = 'CANDIDATE' | 'SHADOW' | 'CANARY' | 'PRODUCTION' | 'ARCHIVED' | 'REJECTED';
export type Step = 'shadow' | 'canary' | 'production' | 'reject' | 'rollback' | 'archive' | 'restore';

export const STEPS: Record<Step, { from: readonly Stage[]; to: Stage; label: string }> = {
  shadow: { from: ['CANDIDATE'], to: 'SHADOW', label: 'start shadow deployment' },
  canary: { from: ['SHADOW'], to: 'CANARY', label: 'start canary deployment' },
  production: { from: ['CANARY'], to: 'PRODUCTION', label: 'promote to production' },
  reject: { from: ['CANDIDATE', 'SHADOW', 'CANARY'], to: 'REJECTED', label: 'reject' },
  rollback: { from: ['PRODUCTION'], to: 'REJECTED', label: 'roll back production' },
  archive: { from: ['PRODUCTION'], to: 'ARCHIVED', label: 'archive the previous production' },
  restore: { from: ['ARCHIVED'], to: 'PRODUCTION', label: 'restore the previous production' },
};

export function canTransition(step: Step, stage: string): boolean {
  return (STEPS[step].from as readonly string[]).includes(stage);
}

export function assertTransition(step: Step, stage: string, what = 'This model'): Stage {
  const s = STEPS[step];
  if (!canTransition(step, stage)) {
    throw new AppError('CONFLICT', `${what} is ${stage}: cannot ${s.label} (allowed from ${s.from.join(' or ')}).`);
  }
  return s.to;
}

/** Steps an ML engineer may start from a stage (for the UI; the server re-checks). */
export function stepsFrom(stage: string): Step[] {
  return (['shadow', 'canary', 'production', 'reject', 'rollback'] as const).filter((s) => canTransition(s, stage));
}
