/**
 * Measures a registered model's drift reference on a hospital's own reference cases (labelled or not) and stores it
 * as the model's newest calibration (lib/server/registry/calibration):
 *   npm run model:calibrate -- --model <name@version|id> (--dataset <id or name> | --cases <id,id,...>) [--as <email>]
 * Each case runs through the real pipeline once, plus one run per flip of the test-time augmentation. --as records
 * a user (an ML engineer or admin) as the one who calibrated; without it the system does.
 */
import { parseArgs } from 'node:util';
import { db, disconnectDb } from '@/lib/server/db';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { calibrateModel } from '@/lib/server/registry/calibration';

const USAGE = 'usage: npm run model:calibrate -- --model <name@version|id> (--dataset <id or name> | --cases <id,...>) [--as <email>]';

async function actorFor(email: string | undefined): Promise<Actor> {
  if (!email) return SYSTEM;
  const u = await db().user.findUnique({ where: { email } });
  if (!u || !u.active) throw new Error(`--as ${email}: no active user with that email`);
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role: u.role };
}

async function main() {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, dataset: { type: 'string' }, cases: { type: 'string' }, as: { type: 'string' } },
  });
  const caseIds = values.cases
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!values.model || !!values.dataset === !!caseIds?.length) {
    console.error(USAGE);
    process.exit(2);
  }
  const r = await calibrateModel({
    model: values.model,
    dataset: values.dataset,
    caseIds,
    actor: await actorFor(values.as),
    onCase: (done, total, id) => process.stderr.write(`[${done}/${total}] ${id}\n`),
  });
  console.log(JSON.stringify(r));
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
