/**
 * Driver adapters for the Prisma CLI's Wasm schema engine (never used at runtime), with a shadow database each, so
 * `migrate diff --from-migrations` can replay the committed migrations (shared notes/offline-stack.md lists the
 * Prisma 6.19.3 defects worked around here):
 * - SQLite: the engine sends a migration script as one parameterless `executeRaw`, and better-sqlite3 prepares a
 *   single statement (P3006); such calls go to `executeScript`. The shadow database is an in-memory file.
 * - PostgreSQL: adapter-pg cannot map the catalogue column types `name` (OID 19) and `"char"` (OID 18) that the
 *   schema engine reads (prisma/orm#27403), so results report them as text (their values already arrive as strings).
 *   Its own shadow database is dropped while the pool still holds connections; ours closes the pool first. Pools exit
 *   on idle so CLI commands do not linger.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseProvider, postgresConfig, sqliteFilePath } from '../../lib/server/db/provider';

const TEXT_OID = 25;
const CATALOGUE_TEXT_OIDS = new Set([18, 19]);

function reportCatalogueTypesAsText(res: pg.QueryResult | undefined) {
  for (const field of res?.fields ?? []) if (CATALOGUE_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  return res;
}

class CatalogueTextClient extends pg.Client {
  // pg calls back (pool.query) or returns a promise (client.query): patch the result either way.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error, res: pg.QueryResult) => last(err, reportCatalogueTypesAsText(res));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    return result && typeof result.then === 'function' ? result.then(reportCatalogueTypesAsText) : result;
  }
}

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;
type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/** A parameterless query holding more than one statement (a migration script) runs as a script. */
function runScriptsWhole(adapter: SqliteAdapter): SqliteAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0 && /;\s*\S/.test(query.sql)) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

function sqliteMigrateAdapter(url: string) {
  const file = new PrismaBetterSQLite3({ url: sqliteFilePath(url) });
  const memory = new PrismaBetterSQLite3({ url: ':memory:' });
  return {
    provider: 'sqlite' as const,
    adapterName: file.adapterName,
    connect: async () => runScriptsWhole(await file.connect()),
    connectToShadowDb: async () => runScriptsWhole(await memory.connect()),
  };
}

function pgPool(fields: Omit<ReturnType<typeof postgresConfig>, 'schema'>) {
  return new pg.Pool({ ...fields, allowExitOnIdle: true, Client: CatalogueTextClient });
}

function pgMigrateAdapter(url: string) {
  const { schema, ...fields } = postgresConfig(url);
  const main = new PrismaPg(pgPool(fields), schema ? { schema } : undefined);
  return {
    provider: 'postgres' as const,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    connectToShadowDb: async (): Promise<PgAdapter> => {
      const database = `tumorwatch_shadow_${randomUUID().replace(/-/g, '')}`;
      const admin = new pg.Client(fields);
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      const pool = pgPool({ ...fields, database });
      const adapter = await new PrismaPg(pool).connect();
      adapter.dispose = async () => {
        await pool.end();
        await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.end();
      };
      return adapter;
    },
  };
}

export function createMigrateAdapter(url: string) {
  return databaseProvider(url) === 'sqlite' ? sqliteMigrateAdapter(url) : pgMigrateAdapter(url);
}
