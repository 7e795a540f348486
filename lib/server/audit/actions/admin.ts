import { z } from 'zod';
import { defineAudit } from '../define';

/** Users, settings and the worker's liveness check. */
export const adminActions = {
  userCreate: defineAudit('user.create', 'User', z.object({ email: z.string(), role: z.string() })),
  /** the demo seed re-creating an existing user: name, role and password reset */
  userReset: defineAudit('user.reset', 'User', z.object({ email: z.string(), role: z.string() })),
  settingUpdate: defineAudit('setting.update', 'Setting', z.object({ value: z.json() })),
  systemPing: defineAudit('system.ping', 'Job', z.object({ message: z.string(), attempt: z.number().int() })),
};
