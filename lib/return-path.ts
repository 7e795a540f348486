/** Set by proxy.ts on page requests: the path and query the visitor asked for. */
export const RETURN_PATH_HEADER = 'x-tumorwatch-path';

/**
 * Where sign-in returns to. Only a path on this site is accepted: an absolute or protocol-relative address (`//evil`,
 * `/\evil`, which browsers read as another host) would turn the login page into an open redirect.
 */
export function safeReturnPath(raw: string | null | undefined): string | null {
  if (!raw || raw.length > 2000) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  if (/[\u0000-\u001f]/.test(raw)) return null;
  if (raw === '/login' || raw.startsWith('/login?') || raw.startsWith('/api/')) return null;
  return raw;
}

/** The login address that returns to `path` afterwards (plain /login when there is nowhere safe to return to). */
export function loginPathFor(path: string | null | undefined): string {
  const safe = safeReturnPath(path);
  return safe && safe !== '/' ? `/login?next=${encodeURIComponent(safe)}` : '/login';
}
