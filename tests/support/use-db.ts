/**
 * Points the app's database module at a fresh test database for the current test file.
 * Call at the top of a test file: `const testDb = useTestDb();` then use `db()` from '@/lib/server/db' as the app does.
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db';
import { resetEnvCache } from '@/lib/server/env';
import { disconnectDb } from '@/lib/server/db';

export function useTestDb(extraEnv: Record<string, string> = {}) {
  const state: { db?: TestDatabase } = {};
  beforeAll(async () => {
    state.db = await createTestDatabase();
    process.env.DATABASE_URL = state.db.url;
    Object.assign(process.env, extraEnv);
    resetEnvCache();
  });
  afterAll(async () => {
    await disconnectDb();
    await state.db?.drop();
  });
  return state;
}
