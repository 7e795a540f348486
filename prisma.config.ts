/**
 * Prisma CLI configuration. DATABASE_URL alone selects the database: a `file:` URL uses the SQLite schema and
 * migrations in prisma/, a `postgres(ql)://` URL uses the generated PostgreSQL copy in prisma/postgres/.
 * The CLI runs the Wasm schema engine through a driver adapter (no engine binaries to download on these machines).
 */
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { databaseProvider, DEFAULT_DATABASE_URL } from './lib/server/db/provider';
import { createMigrateAdapter } from './scripts/db/migrate-adapter';

// The CLI falls back to the binary engine (and tries to download it) when DATABASE_URL is unset.
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
const url = process.env.DATABASE_URL;
const postgres = databaseProvider(url) === 'postgresql';
const dir = postgres ? 'prisma/postgres' : 'prisma';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(dir, 'schema.prisma'),
  // `npm run db:migrate -- --until NAME` points the CLI at a copy of the folder that ends at NAME (staged upgrades).
  migrations: { path: process.env.TUMORWATCH_MIGRATIONS_DIR || path.join(dir, 'migrations') },
  adapter: async () => createMigrateAdapter(url),
});
