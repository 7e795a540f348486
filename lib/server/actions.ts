import 'server-only';
import { z } from 'zod';
import { isAppError } from './errors';
import { requireActionUser, type UserActor } from './auth/session';
import type { Permission } from '@/lib/permissions';
import type { ActionResult } from '@/lib/action-result';

/**
 * The shape of every server action: authorise -> parse -> one domain call. Expected failures (AppError) become typed
 * errors for the form; anything else is logged and reported as an internal error without leaking details.
 */
export async function runAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  input: unknown,
  fn: (user: UserActor, data: z.infer<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const user = await requireActionUser(permission);
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message);
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'Please correct the highlighted fields.', fieldErrors } };
    }
    return { ok: true, data: await fn(user, parsed.data) };
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: { code: e.code, message: e.userMessage, fieldErrors: e.details.fieldErrors } };
    console.error('[action] unexpected error', e);
    return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong; nothing was changed. Try again.' } };
  }
}
