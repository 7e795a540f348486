import fs from 'node:fs';
import path from 'node:path';
import { db } from '../lib/server/db';
import { SYSTEM } from '../lib/server/auth/actor';
import { readModelDir, registerModelVersion } from '../lib/server/registry/register';

export const PRODUCTION_MODEL_DIR = path.resolve(__dirname, '../models/tumorwatch-seg-1.0.0');

/** Registers the committed reference model v1.0.0 as PRODUCTION unless some version already serves production. */
export async function seedProductionModel() {
  if (await db().modelVersion.findFirst({ where: { stage: 'PRODUCTION' } })) return;
  if (!fs.existsSync(path.join(PRODUCTION_MODEL_DIR, 'model.onnx'))) {
    console.log(`[seed] ${PRODUCTION_MODEL_DIR} has no model.onnx: no production model registered`);
    return;
  }
  const mv = await registerModelVersion(SYSTEM, { ...(await readModelDir(PRODUCTION_MODEL_DIR)), stage: 'PRODUCTION' });
  console.log(`[seed] registered ${mv.name}@${mv.version} as PRODUCTION`);
}
