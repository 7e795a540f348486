import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { db } from '../db';
import { env } from '../env';
import { AUDIT, recordAudit } from '../audit';
import { authenticate } from './login';
import { revokeSession, SESSION_HOURS, startSession } from './sessions';
import type { RoleName } from '@/lib/permissions';

const credentials = z.object({ email: z.string().email().toLowerCase(), password: z.string().min(1).max(1000) });

/** The error code the sign-in form shows as "too many attempts" (next-auth passes a thrown message through). */
export const THROTTLED_ERROR = 'TooManyAttempts';

/** The client's address as the server saw it (next start sets x-forwarded-for; a proxy in front must too). */
function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const forwarded = headers?.['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || 'unknown';
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_HOURS * 60 * 60 },
    pages: { signIn: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw, req) {
          const parsed = credentials.safeParse(raw);
          if (!parsed.success) return null;
          const address = clientAddress(req?.headers);
          const result = await authenticate(parsed.data.email, parsed.data.password, address);
          if (!result.ok && result.reason === 'throttled') throw new Error(THROTTLED_ERROR);
          if (!result.ok) return null;
          const sessionId = await startSession(result.user.id);
          await db().$transaction((tx) =>
            recordAudit(tx, {
              actor: { kind: 'user', ...result.user, role: result.user.role as RoleName },
              action: AUDIT.signIn,
              entityId: result.user.id,
              data: { sessionId, address },
            }),
          );
          return { ...result.user, sessionId };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as unknown as { id: string; role: RoleName; sessionId: string };
          token.uid = u.id;
          token.role = u.role;
          token.sid = u.sessionId;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) {
          session.user.id = token.uid as string;
          session.user.role = token.role as RoleName;
          session.user.sessionId = token.sid as string;
        }
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const sessionId = token?.sid as string | undefined;
        if (!sessionId) return;
        await revokeSession(sessionId, 'signed out');
        const user = await db().user.findUnique({ where: { id: token.uid as string } });
        if (!user) return;
        const actor = { kind: 'user' as const, id: user.id, email: user.email, name: user.name, role: user.role as RoleName };
        await db().$transaction((tx) => recordAudit(tx, { actor, action: AUDIT.signOut, entityId: user.id, data: { sessionId } }));
      },
    },
  };
}
