/**
 * Demo seed (idempotent): demo users, default datasets, the two real cases and a synthetic domain-A cohort. Runs with `npm run db:seed` against the active DATABASE_URL.
 */
import { createUser } from '../lib/server/users';
import { SYSTEM } from '../lib/server/auth/actor';
import { db, disconnectDb } from '../lib/server/db';
import { AUDIT, recordAudit } from '../lib/server/audit';
import { DEMO_USERS } from './demo-users';
import { seedCohortCases, seedRealCases } from './seed-cases';
import { seedProductionModel } from './seed-model';
import { ensureDefaultCriteria } from '../lib/server/evaluation/criteria';
import { seedHistory } from './seed-history';

const DATASETS = [
  { name: 'train', kind: 'TRAIN', description: 'Training data (grows with every retraining).' },
  { name: 'holdout-internal', kind: 'HOLDOUT_INTERNAL', description: 'Locked internal hold-out: never used for training.' },
  { name: 'holdout-external', kind: 'HOLDOUT_EXTERNAL', description: 'Locked external hold-out from other sites.' },
  { name: 'drifter-holdout', kind: 'DRIFTER', description: 'Share of approved drifters held out to evaluate retraining.' },
] as const;

async function seedUsers() {
  for (const u of DEMO_USERS) {
    await createUser(SYSTEM, { email: u.email, name: u.name, role: u.role, password: u.password }, { upsert: true });
  }
}

async function seedDatasets() {
  for (const d of DATASETS) {
    await db().$transaction(async (tx) => {
      if (await tx.dataset.findUnique({ where: { name: d.name } })) return;
      const row = await tx.dataset.create({ data: { name: d.name, kind: d.kind, description: d.description } });
      await recordAudit(tx, { actor: SYSTEM, action: AUDIT.datasetCreate, entityId: row.id, data: { kind: d.kind } });
    });
  }
}

async function main() {
  console.log('[seed] demo users');
  await seedUsers();
  console.log('[seed] datasets');
  await seedDatasets();
  console.log('[seed] acceptance criteria');
  await ensureDefaultCriteria();
  console.log('[seed] production model');
  await seedProductionModel();
  console.log('[seed] demo cases');
  await seedRealCases();
  // SEED_COHORT_CASES: synthetic domain-A cases for the demo (e2e uses a handful).
  await seedCohortCases(Number(process.env.SEED_COHORT_CASES ?? 24), 'data/cohorts');
  // SEED_HISTORY=0: no history (the recorder seeds a scratch database without it, and makes it).
  if (process.env.SEED_HISTORY !== '0') {
    console.log('[seed] history: a whole surveillance cycle (prisma/seed-history)');
    await seedHistory('data/cohorts', (m) => console.log(`[seed] history: ${m}`));
  }
  console.log('[seed] demo accounts (email / password):');
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(12)} ${u.email.padEnd(32)} ${u.password}`);
}

main()
  .catch((e) => {
    console.error('[seed] failed:', e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
