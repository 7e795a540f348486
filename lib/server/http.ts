import 'server-only';
import { NextResponse } from 'next/server';
import { isAppError } from './errors';

/** Wraps a route handler: AppError -> JSON error with its status; anything else -> 500 without details. */
export function handleRoute<A extends unknown[]>(fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (e) {
      if (isAppError(e)) {
        const headers: Record<string, string> = {};
        if (e.details.retryAfterS) headers['Retry-After'] = String(e.details.retryAfterS);
        return NextResponse.json({ error: { code: e.code, message: e.userMessage } }, { status: e.status, headers });
      }
      console.error('[route] unexpected error', e);
      return NextResponse.json({ error: { code: 'INTERNAL', message: 'Internal error; nothing was changed.' } }, { status: 500 });
    }
  };
}
