/**
 * `npm run db:migration -- <name>`: after editing prisma/schema.prisma, regenerates the PostgreSQL copy and writes the
 * next migration for both providers from the difference between what the committed migrations build and the schema.
 * SQLite replays them in memory; PostgreSQL needs a server to replay them on (a temporary database is created and
 * dropped): 127.0.0.1:5432 by default, or MIGRATION_POSTGRES_URL. Nothing is written unless both diffs succeed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POSTGRES_URL, layouts, migrationDiff, postgresAnswers, root, writePostgresSchema } from './schemas';

function usage(): never {
  console.error('usage: npm run db:migration -- <name> [--allow-empty]   (name: letters, digits and _ only)');
  process.exit(2);
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/i.test(name)) usage();
  const allowEmpty = process.argv.includes('--allow-empty');
  writePostgresSchema();
  const postgresUrl = process.env.MIGRATION_POSTGRES_URL || DEFAULT_POSTGRES_URL;
  if (!(await postgresAnswers(postgresUrl))) {
    console.error(
      `No PostgreSQL server answers at ${postgresUrl.replace(/:[^:@/]*@/, ':***@')}: the PostgreSQL migration is computed by replaying ` +
        'prisma/postgres/migrations on a temporary database there. Start one (Debian: `apt-get install -y postgresql && ' +
        'service postgresql start`, trust auth for user postgres on 127.0.0.1) or point MIGRATION_POSTGRES_URL at any server where ' +
        'you may create databases, then run this command again. Nothing was written (except prisma/postgres/schema.prisma).',
    );
    process.exit(1);
  }
  const diffs = layouts(postgresUrl).map((layout) => ({ layout, sql: migrationDiff(layout) }));
  const empty = diffs.filter((d) => !d.sql).map((d) => d.layout.provider);
  if (empty.length === 1) throw new Error(`only ${empty[0]} agrees with the schema: run \`npm run db:check\` to see the drift`);
  if (empty.length === 2 && !allowEmpty) {
    console.log('The schema and the committed migrations agree: no migration written (--allow-empty writes one for data-only SQL).');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  for (const { layout, sql } of diffs) {
    const dir = path.join(root, layout.migrations, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql || '-- Data only: add the statements below.\n');
    fs.writeFileSync(path.join(root, layout.migrations, 'migration_lock.toml'), `provider = "${layout.provider}"\n`);
    console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
  }
  console.log('Next: read both files; add any data-moving SQL to each (per provider); `npm run db:check`; `npm run db:migrate`.');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
