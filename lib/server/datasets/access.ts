import 'server-only';
import { can, type Permission } from '@/lib/permissions';
import { AppError } from '../errors';
import { actorRole, type Actor } from '../auth/actor';

/** People and API tokens need the permission; the system itself (trigger, worker) acts on its own authority. */
export function assertActorCan(actor: Actor, permission: Permission): void {
  if (actor.kind === 'system' || actor.kind === 'worker') return;
  if (!can(actorRole(actor), permission)) throw new AppError('FORBIDDEN', 'Your role does not allow this action.');
}
