import { z } from 'zod';
import { TOKEN_SCOPES } from '@/lib/permissions';
import { defineAudit } from '../define';

const email = z.string();
const sessionsRevoked = z.number().int();

/** Sign-in, throttling, permission denials, and the administration of accounts and API tokens. */
export const accessActions = {
  signIn: defineAudit('auth.signin', 'User', z.object({ sessionId: z.string(), address: z.string() })),
  signOut: defineAudit('auth.signout', 'User', z.object({ sessionId: z.string() })),
  /** entity: the email tried (it may name no account) */
  loginFailed: defineAudit(
    'auth.login.failed',
    'Login',
    z.object({
      email,
      address: z.string(),
      reason: z.enum(['bad-password', 'unknown-account', 'inactive', 'throttled']),
    }),
  ),
  /** entity: the throttle key (`account:<email>` or `address:<ip>`) */
  loginLockout: defineAudit(
    'auth.lockout',
    'Login',
    z.object({
      kind: z.enum(['account', 'address']),
      failures: z.number().int(),
      lockedUntil: z.string(),
      address: z.string(),
    }),
  ),
  lockoutClear: defineAudit('auth.lockout.clear', 'User', z.object({ email, cleared: z.boolean() })),
  /** entity: the permission refused */
  permissionDenied: defineAudit(
    'auth.denied',
    'Permission',
    z.object({ role: z.string(), via: z.enum(['page', 'action', 'route', 'domain']) }),
  ),
  userRoleChange: defineAudit('user.role', 'User', z.object({ email, from: z.string(), to: z.string(), sessionsRevoked })),
  userDeactivate: defineAudit('user.deactivate', 'User', z.object({ email, sessionsRevoked })),
  userReactivate: defineAudit('user.reactivate', 'User', z.object({ email })),
  userPasswordReset: defineAudit('user.password.reset', 'User', z.object({ email, sessionsRevoked })),
  tokenCreate: defineAudit(
    'token.create',
    'ApiToken',
    z.object({
      name: z.string(),
      ownerId: z.string(),
      ownerEmail: email,
      scope: z.enum(TOKEN_SCOPES),
      expiresAt: z.string().nullable(),
    }),
  ),
  tokenRevoke: defineAudit('token.revoke', 'ApiToken', z.object({ name: z.string(), ownerEmail: email })),
};
