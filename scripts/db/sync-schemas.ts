/** Writes prisma/postgres/schema.prisma from the SQLite source schema (`npm run db:sync-schemas`). */
import { writePostgresSchema } from './schemas';

writePostgresSchema();
console.log('wrote prisma/postgres/schema.prisma');
