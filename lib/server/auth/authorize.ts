import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { can, ROLE_LABELS, type Permission } from '@/lib/permissions';
import type { Actor } from './actor';
import { tokenAllows } from './tokens';

/**
 * The one permission check, for every kind of actor and every layer: pages, actions and route handlers (through
 * lib/server/auth/session.ts) and domain functions called by the worker, scripts and tests.
 * - A user or API token needs the permission in the role table (lib/permissions.ts); a token also within its scope.
 * - The system and the worker act for the product itself and pass, unless the step needs a person.
 * `who`: 'person' (a user or a token, which always belongs to one: label authorship), 'signed-in user' (a session:
 * a signature and a reason belong to someone present, so no token). Refusals by a user or token are audited.
 */
export type Via = 'page' | 'action' | 'route' | 'domain';
export interface Requirement {
  who?: 'anyone' | 'person' | 'signed-in user';
  via?: Via;
}

export type PersonActor = Extract<Actor, { kind: 'user' | 'token' }>;
export type UserActorOf = Extract<Actor, { kind: 'user' }>;

export async function authorize(actor: Actor, permission: Permission, req?: Requirement & { who?: 'anyone' }): Promise<Actor>;
export async function authorize(actor: Actor, permission: Permission, req: Requirement & { who: 'person' }): Promise<PersonActor>;
export async function authorize(actor: Actor, permission: Permission, req: Requirement & { who: 'signed-in user' }): Promise<UserActorOf>;
export async function authorize(actor: Actor, permission: Permission, req: Requirement = {}): Promise<Actor> {
  const who = req.who ?? 'anyone';
  if (!isPerson(actor)) {
    if (who === 'anyone') return actor;
    throw new AppError('FORBIDDEN', 'This step needs a person: the system cannot take it.');
  }
  if (who === 'signed-in user' && actor.kind !== 'user')
    throw await refuse(actor, permission, req.via, 'This step needs a signed-in person, not an API token.');
  if (!can(actor.role, permission))
    throw await refuse(
      actor,
      permission,
      req.via,
      `Your role (${ROLE_LABELS[actor.role]}) does not allow this ${req.via === 'route' ? 'request' : 'action'}.`,
    );
  if (actor.kind === 'token' && !tokenAllows(actor.scope, permission)) {
    throw await refuse(actor, permission, req.via, `This API token's scope (${actor.scope.toLowerCase()}) does not allow this request.`);
  }
  return actor;
}

function isPerson(actor: Actor): actor is PersonActor {
  return actor.kind === 'user' || actor.kind === 'token';
}

/** A refusal is a security event: recorded in its own transaction (the refused step has none), then thrown. */
async function refuse(actor: PersonActor, permission: Permission, via: Via = 'domain', message: string): Promise<AppError> {
  await db().$transaction((tx) =>
    recordAudit(tx, { actor, action: AUDIT.permissionDenied, entityId: permission, data: { role: actor.role, via } }),
  );
  return new AppError('FORBIDDEN', message);
}

/** The person an actor stands for: the user, or the owner of a token. */
export function personId(actor: PersonActor): string {
  return actor.kind === 'user' ? actor.id : actor.userId;
}
