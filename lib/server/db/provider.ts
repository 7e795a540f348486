/**
 * Which database a URL points at. Kept free of `server-only` so the Prisma CLI config and scripts can import it.
 */
export type DatabaseProvider = 'sqlite' | 'postgresql';

export const DEFAULT_DATABASE_URL = 'file:./data/tumorwatch.db';

export function databaseProvider(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got "${url.split(':')[0]}:"`);
}

/** Path of the SQLite file for a `file:` URL, resolved against the working directory as Prisma does. */
export function sqliteFilePath(url: string): string {
  const raw = url.slice('file:'.length).split('?')[0];
  return raw;
}

/** Connection fields for a PostgreSQL URL (adapter-pg is given fields, not a string: see offline-stack notes). */
export function postgresConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '') || 'postgres'),
    schema: u.searchParams.get('schema') ?? undefined,
  };
}
