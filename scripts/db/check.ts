/**
 * `npm run db:check` (part of `npm test`): fails when the schemas and migrations of the two providers have drifted:
 * the PostgreSQL copy differs from what the source generates, the two migration folders hold different migrations, or
 * replaying a folder onto an empty database does not give exactly its schema. PostgreSQL's replay runs when a server
 * answers (127.0.0.1:5432 or MIGRATION_POSTGRES_URL); otherwise it is skipped with a notice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POSTGRES_URL, layouts, migrationDiff, migrationNames, postgresAnswers, postgresSchemaText, root } from './schemas';

export async function schemaDrift(postgresUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const pgSchema = path.join(root, 'prisma/postgres/schema.prisma');
  if (!fs.existsSync(pgSchema) || fs.readFileSync(pgSchema, 'utf8') !== postgresSchemaText()) {
    problems.push('prisma/postgres/schema.prisma differs from what prisma/schema.prisma generates: run `npm run db:sync-schemas`.');
  }
  const [sqlite, postgres] = layouts(postgresUrl);
  // Names are compared without their timestamps: the first migrations were stamped a second apart, and renaming an
  // applied migration would orphan it in every existing database.
  const names = [sqlite, postgres].map((l) =>
    migrationNames(l.migrations)
      .map((n) => n.slice(15))
      .join(', '),
  );
  if (names[0] !== names[1]) problems.push(`the migration folders differ:\n  sqlite:     ${names[0]}\n  postgresql: ${names[1]}`);
  // adapter-pg 6.19.3 runs a migration by splitting it at every ';', comments included: a ';' in a comment breaks it.
  for (const name of migrationNames(postgres.migrations)) {
    const sql = fs.readFileSync(path.join(root, postgres.migrations, name, 'migration.sql'), 'utf8');
    if (/--[^\n]*;/.test(sql))
      problems.push(`${postgres.migrations}/${name}: a comment holds a ';', which Prisma's PostgreSQL adapter splits on.`);
  }
  const replay = (await postgresAnswers(postgresUrl)) ? [sqlite, postgres] : [sqlite];
  if (replay.length === 1) console.log(`NOTICE: no PostgreSQL server at ${postgresUrl}: the PostgreSQL migrations were not replayed.`);
  for (const layout of replay) {
    const sql = migrationDiff(layout);
    if (sql)
      problems.push(`${layout.migrations} does not build ${layout.schema}; missing:\n${sql}\nRun \`npm run db:migration -- <name>\`.`);
  }
  return problems;
}

if (require.main === module) {
  schemaDrift(process.env.MIGRATION_POSTGRES_URL || DEFAULT_POSTGRES_URL)
    .then((problems) => {
      for (const p of problems) console.error(`DRIFT: ${p}`);
      if (problems.length) process.exit(1);
      console.log('Schemas and migrations agree on both providers.');
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
