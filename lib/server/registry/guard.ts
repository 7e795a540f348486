import 'server-only';
import { can, type Permission } from '@/lib/permissions';
import { AppError } from '../errors';
import { actorRole, type Actor } from '../auth/actor';

/**
 * Registry and evaluation functions check authorisation themselves (actions already did, but the worker, scripts and
 * tests call the domain directly). The system actor (worker, automatic canary rollback) is always allowed.
 */
export function requireActorPermission(actor: Actor, permission: Permission): void {
  if (actor.kind === 'system' || actor.kind === 'worker') return;
  if (!can(actorRole(actor), permission)) throw new AppError('FORBIDDEN', 'Your role does not allow this action on models.');
}

/** Promotion steps need a person: a signature and a reason belong to someone. */
export function requireHumanPromoter(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user' || !can(actor.role, 'model:promote')) throw new AppError('FORBIDDEN', 'Only an ML engineer may promote or roll back a model.');
  return actor;
}
