/**
 * A fresh demo set-up for the scenario: an empty folder, the committed migrations, the demo seed (users, datasets,
 * production model v1.0.0; no synthetic cohort), the retraining policy, and the API tokens of the scenario's machine
 * clients. Runs in the scenario process against the scenario's DATABASE_URL (set before any server module loads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { db } from '@/lib/server/db';
import { AUDIT, recordAudit } from '@/lib/server/audit';
import { createApiToken } from '@/lib/server/auth/tokens';
import { SYSTEM } from '@/lib/server/auth/actor';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import type { UserActor } from '@/lib/server/auth/session';
import { RETRAIN_SETTINGS } from '@/lib/server/datasets/settings';
import { SINGLE_READER_SETTING } from '@/lib/server/labels';
import { ensureDefaultCriteria, saveCriteriaVersion } from '@/lib/server/evaluation/criteria';
import { DEMO_USERS } from '@/prisma/demo-users';
import type { RoleName } from '@/lib/permissions';
import type { ScenarioOptions } from './options';
import { productionOf } from './production';

export interface Cast {
  radiologist: UserActor;
  secondReader: UserActor;
  physician: UserActor;
  mlEngineer: UserActor;
  mlEngineerPassword: string;
  /** the hospital's PACS bridge (machine client) */
  ingestToken: string;
  /** each radiologist's editor session, as a bearer token for the labels route */
  editorTokens: Map<string, string>;
}

/** Runs a repository CLI (migrations, seed) with the scenario's environment; its output goes to the set-up log. */
function runCli(root: string, args: string[], env: Record<string, string | undefined>, logFile: string) {
  const log = fs.openSync(logFile, 'a');
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', ...args], {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', log, log],
    });
  } catch (e) {
    throw new Error(`${args.join(' ')} failed (${e instanceof Error ? e.message.split('\n')[0] : e}); see ${logFile}`);
  } finally {
    fs.closeSync(log);
  }
}

export async function freshDatabase(root: string, o: ScenarioOptions, env: Record<string, string | undefined>) {
  const dir = path.resolve(root, o.dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'setup.log');
  runCli(root, ['scripts/db.ts', 'deploy'], env, logFile);
  // A model chosen with --model-dir goes in first, as the seed does it; the seed then keeps it as production.
  if (o.modelDir) await deployModelDir(path.resolve(root, o.modelDir));
  const imported = productionOf(o, root, env.MODELS_DIR);
  if (imported) await registerModelVersion(SYSTEM, { ...(await readModelDir(imported.dir)), stage: 'PRODUCTION' });
  // The demo seed: users, datasets, the production model; SEED_COHORT_CASES=0 skips the synthetic demo cohort and
  // SEED_HISTORY=0 the demo's recorded cycle (it locks the internal hold-out and promotes: the scenario starts clean).
  runCli(root, ['prisma/seed.ts'], { ...env, SEED_COHORT_CASES: '0', SEED_HISTORY: '0' }, logFile);
}

/** Registers a model folder as PRODUCTION exactly as prisma/seed-model.ts registers the committed v1.0.0. */
async function deployModelDir(dir: string) {
  const model = await readModelDir(dir);
  const card = model.card as { name?: string; version?: string };
  // Fine-tuning finds the parent's checkpoint at MODELS_DIR/<name>-<version>/checkpoint.pt (lib/server/workflows/parent.ts).
  if (path.basename(dir) !== `${card.name}-${card.version}`)
    throw new Error(`--model-dir must be named ${card.name}-${card.version} (its card's name and version)`);
  if (!fs.existsSync(path.join(dir, 'checkpoint.pt'))) throw new Error(`${dir} has no checkpoint.pt: fine-tuning needs it`);
  await registerModelVersion(SYSTEM, { ...model, stage: 'PRODUCTION' });
}

/**
 * Settings have no domain setter yet (lib/server/datasets/settings.ts only reads them): written here the way an
 * administrator's change would be, one row per key with an audit event in the same transaction.
 */
async function writeSetting(actor: UserActor, key: string, value: string | number | boolean) {
  await db().$transaction(async (tx) => {
    await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
    await recordAudit(tx, { actor, action: AUDIT.settingUpdate, entityId: key, data: { value } });
  });
}

async function userActor(email: string): Promise<UserActor> {
  const u = await db().user.findUnique({ where: { email } });
  if (!u) throw new Error(`demo user ${email} missing: did the seed run?`);
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role: u.role as RoleName };
}

function demo(role: string, index = 0) {
  const u = DEMO_USERS.filter((d) => d.role === role)[index];
  if (!u) throw new Error(`no demo user #${index + 1} with role ${role} in prisma/demo-users.ts`);
  return u;
}

export async function configure(o: ScenarioOptions): Promise<Cast> {
  const production = await db().modelVersion.findFirst({ where: { stage: 'PRODUCTION' } });
  if (!production) throw new Error('the seed registered no PRODUCTION model: models/tumorwatch-seg-1.0.0/model.onnx is missing');
  const ml = demo('ML_ENGINEER');
  const mlEngineer = await userActor(ml.email);
  const admin = await userActor(demo('ADMIN').email);
  await ensureDefaultCriteria();
  if (o.criteria) {
    const config = JSON.parse(fs.readFileSync(o.criteria, 'utf8'));
    await saveCriteriaVersion(mlEngineer, { config, reason: `scenario run with the criteria of ${path.basename(o.criteria)}` });
  }
  await writeSetting(admin, RETRAIN_SETTINGS.n.key, o.retrainN);
  await writeSetting(admin, RETRAIN_SETTINGS.holdoutFraction.key, o.holdoutFraction);
  await writeSetting(admin, RETRAIN_SETTINGS.epochs.key, o.epochs);
  await writeSetting(admin, RETRAIN_SETTINGS.seed.key, `scenario-${o.seed}`);
  await writeSetting(admin, SINGLE_READER_SETTING, false);
  if (o.production) await writeSetting(admin, RETRAIN_SETTINGS.runner.key, 'COMMAND');
  const radiologist = await userActor(demo('RADIOLOGIST', 0).email);
  const secondReader = await userActor(demo('RADIOLOGIST', 1).email);
  const editorTokens = new Map<string, string>();
  for (const r of [radiologist, secondReader]) editorTokens.set(r.id, await createApiToken(r.id, `scenario editor ${r.email}`));
  return {
    radiologist,
    secondReader,
    physician: await userActor(demo('PHYSICIAN').email),
    mlEngineer,
    mlEngineerPassword: ml.password,
    ingestToken: await createApiToken(admin.id, 'scenario PACS bridge'),
    editorTokens,
  };
}
