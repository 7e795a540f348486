import 'server-only';
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { authOptions } from './options';
import { db } from '../db';
import { AppError } from '../errors';
import { can, type Permission, type RoleName } from '@/lib/permissions';
import type { Actor } from './actor';
import { actorForToken } from './tokens';

export type UserActor = Extract<Actor, { kind: 'user' }>;

/** The signed-in user, re-read from the database so a deactivated account or a changed role takes effect at once. */
export async function currentUser(): Promise<UserActor | null> {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  if (!user || !user.active) return null;
  return { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role as RoleName };
}

/** For pages: anonymous users go to the login page; a missing permission renders the 403 page. */
export async function requirePageUser(permission: Permission): Promise<UserActor> {
  const user = await currentUser();
  if (!user) redirect('/login');
  if (!can(user.role, permission)) redirect('/forbidden');
  return user;
}

/** For server actions: throws AppError so the action returns a typed error. */
export async function requireActionUser(permission: Permission): Promise<UserActor> {
  const user = await currentUser();
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  if (!can(user.role, permission)) throw new AppError('FORBIDDEN', 'Your role does not allow this action.');
  return user;
}

/** For route handlers: a session cookie, or `Authorization: Bearer <api token>` for machine clients. */
export async function requireRouteActor(permission: Permission): Promise<Actor & { role: RoleName }> {
  const auth = (await headers()).get('authorization');
  const actor = auth?.startsWith('Bearer ') ? await actorForToken(auth.slice(7).trim()) : await currentUser();
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send a valid API token.');
  if (!can(actor.role, permission)) throw new AppError('FORBIDDEN', 'Your role does not allow this request.');
  return actor;
}
