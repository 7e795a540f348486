/**
 * Driver adapters for the Prisma CLI's Wasm schema engine (never used at runtime). Works around a Prisma 6.19.3
 * defect measured on these machines (shared notes/offline-stack.md, prisma/orm#27403): adapter-pg cannot map the
 * catalogue column types `name` (OID 19) and `"char"` (OID 18) that the schema engine reads, so results report them
 * as text (their values already arrive as strings). The pool exits on idle so CLI commands do not linger.
 */
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

export function createMigrateAdapter(url: string) {
  if (databaseProvider(url) === 'sqlite') return new PrismaBetterSQLite3({ url: sqliteFilePath(url) });
  const { schema, ...fields } = postgresConfig(url);
  const pool = new pg.Pool({ ...fields, allowExitOnIdle: true, Client: CatalogueTextClient });
  return new PrismaPg(pool, schema ? { schema } : undefined);
}
