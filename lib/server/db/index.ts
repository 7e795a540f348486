import 'server-only';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { env } from '../env';
import { databaseProvider, postgresConfig, sqliteFilePath } from './provider';

export type Db = PrismaClient;
/** The client handed to `db.$transaction(async (tx) => ...)` callbacks. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

function createClient(url: string): PrismaClient {
  if (databaseProvider(url) === 'sqlite') {
    // WAL lets the worker and web server read while one writes; busy_timeout waits out the single writer lock.
    const adapter = new PrismaBetterSQLite3({ url: sqliteFilePath(url), timeout: 10_000 });
    return new PrismaClient({ adapter });
  }
  const { schema, ...fields } = postgresConfig(url);
  return new PrismaClient({ adapter: new PrismaPg({ ...fields, max: 10 }, schema ? { schema } : undefined) });
}

const globalForDb = globalThis as unknown as { tumorwatchDb?: PrismaClient };

/** One client per process (Next dev reloads modules; the global keeps the pool). */
export function db(): PrismaClient {
  globalForDb.tumorwatchDb ??= createClient(env().DATABASE_URL);
  return globalForDb.tumorwatchDb;
}

export async function disconnectDb() {
  await globalForDb.tumorwatchDb?.$disconnect();
  globalForDb.tumorwatchDb = undefined;
}

export function isPostgres(): boolean {
  return databaseProvider(env().DATABASE_URL) === 'postgresql';
}

/** A write refused by a unique constraint (Prisma P2002): someone else stored the same key first. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}
