import 'server-only';
import { cache } from 'react';
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { authOptions } from './options';
import { AppError, isAppError } from '../errors';
import type { Permission, RoleName } from '@/lib/permissions';
import type { Actor } from './actor';
import { sessionUser } from './sessions';
import { loginPathFor, RETURN_PATH_HEADER } from '@/lib/return-path';
import { actorForToken } from './tokens';
import { authorize } from './authorize';

export type UserActor = Extract<Actor, { kind: 'user' }>;

/**
 * The signed-in user, re-read with the session's row on every request: a signed-out, expired or revoked session, a
 * deactivated account or a changed role takes effect at once. Memoised for one server render (React's cache), so the
 * layout and the page it wraps read the session once; outside a render it reads every time.
 */
export const currentUser = cache(async (): Promise<UserActor | null> => {
  const session = await getServerSession(authOptions());
  const { id, sessionId } = session?.user ?? {};
  if (!id || !sessionId) return null;
  const user = await sessionUser(sessionId, id);
  if (!user) return null;
  return { kind: 'user', id: user.id, email: user.email, name: user.name, role: user.role as RoleName };
});

/** Sends an anonymous visitor to sign in, with the way back to the page they asked for (set by proxy.ts). */
export async function redirectToLogin(): Promise<never> {
  redirect(loginPathFor((await headers()).get(RETURN_PATH_HEADER)));
}

/** For pages: anonymous users go to the login page; a missing permission renders the 403 page. */
export async function requirePageUser(permission: Permission): Promise<UserActor> {
  const user = await currentUser();
  if (!user) return redirectToLogin();
  try {
    await authorize(user, permission, { via: 'page' });
  } catch (e) {
    if (isAppError(e) && e.code === 'FORBIDDEN') redirect('/forbidden');
    throw e;
  }
  return user;
}

/** For server actions: throws AppError so the action returns a typed error. */
export async function requireActionUser(permission: Permission): Promise<UserActor> {
  const user = await currentUser();
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  await authorize(user, permission, { via: 'action' });
  return user;
}

/** For route handlers: a session cookie, or `Authorization: Bearer <api token>` for machine clients. */
export async function requireRouteActor(permission: Permission): Promise<Actor & { role: RoleName }> {
  const auth = (await headers()).get('authorization');
  const actor = auth?.startsWith('Bearer ') ? await actorForToken(auth.slice(7).trim()) : await currentUser();
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send a valid API token.');
  await authorize(actor, permission, { via: 'route' });
  return actor;
}
