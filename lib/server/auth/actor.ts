import 'server-only';
import type { RoleName, TokenScope } from '@/lib/permissions';

/** Who performs an action: a signed-in user, a machine client's API token, or the system itself (worker, trigger). */
export type Actor =
  | { kind: 'user'; id: string; email: string; name: string; role: RoleName }
  | { kind: 'token'; id: string; name: string; userId: string; role: RoleName; scope: TokenScope }
  | { kind: 'system' | 'worker' };

export const SYSTEM: Actor = { kind: 'system' };
export const WORKER: Actor = { kind: 'worker' };

export function actorRole(actor: Actor): RoleName | null {
  return actor.kind === 'user' || actor.kind === 'token' ? actor.role : null;
}

export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.id : actor.kind === 'token' ? actor.userId : null;
}
