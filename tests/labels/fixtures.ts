/**
 * A small labelled case for the label integration tests: four volumes on a 24x20x16 LPS grid (the real cases'
 * orientation), a production model and its returned prediction, and the demo cast (two radiologists, a physician).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { db } from '@/lib/server/db';
import { resetBlobsForTests } from '@/lib/server/blobs';
import { writeNiftiMask } from '@/lib/server/imaging/nifti';
import type { UserActor } from '@/lib/server/auth/session';
import { storeShownPrediction, storeVolumes } from '../support/case-rows';

export const DIMS: [number, number, number] = [24, 20, 16];
export const AFFINE = [-1, 0, 0, 23, 0, -1, 0, 19, 0, 0, 1.5, -10, 0, 0, 0, 1];
export const N = DIMS[0] * DIMS[1] * DIMS[2];
export const at = (x: number, y: number, z: number) => x + y * DIMS[0] + z * DIMS[0] * DIMS[1];

/**
 * A fresh blob root per test file, for `useTestDb({ BLOB_ROOT: useTempBlobRoot() })`: useTestDb puts it in the
 * environment before the tests run, and the blob store is reset here so its first use reads it.
 */
export function useTempBlobRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-label-blobs-'));
  resetBlobsForTests();
  return root;
}

export function countBlobFiles(root: string): number {
  if (!fs.existsSync(path.join(root, 'sha256'))) return 0;
  return fs.readdirSync(path.join(root, 'sha256'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

/** A box of tumour: ED shell, NCR core, one ET slab. */
export function predictionMask(): Uint8Array {
  const m = new Uint8Array(N);
  for (let z = 4; z < 12; z++) for (let y = 5; y < 15; y++) for (let x = 6; x < 18; x++) m[at(x, y, z)] = 2;
  for (let z = 6; z < 10; z++) for (let y = 8; y < 12; y++) for (let x = 9; x < 15; x++) m[at(x, y, z)] = 1;
  for (let y = 8; y < 12; y++) for (let x = 9; x < 15; x++) m[at(x, y, 10)] = 3;
  return m;
}

export async function createUsers() {
  const make = async (email: string, name: string, role: UserActor['role']): Promise<UserActor> => {
    const u = await db().user.create({ data: { email, name, role, passwordHash: 'x' } });
    return { kind: 'user', id: u.id, email, name, role };
  };
  return {
    rad1: await make('r1@test', 'Rad One', 'RADIOLOGIST'),
    rad2: await make('r2@test', 'Rad Two', 'RADIOLOGIST'),
    physician: await make('p@test', 'Phys', 'PHYSICIAN'),
  };
}

export async function createCase(externalId: string, opts: { prediction?: boolean } = {}) {
  const image = { dims: DIMS, affine: AFFINE, data: new Int16Array(N).map((_, i) => i % 500) };
  const c = await db().case.create({ data: { externalId, status: 'PREDICTED' } });
  await storeVolumes(c.id, { dims: DIMS, affine: AFFINE, spacing: [1, 1, 1.5] }, () => image.data);
  if (opts.prediction !== false) {
    const model = await db().modelVersion.upsert({
      where: { name_version: { name: 'test-model', version: '1.0.0' } },
      create: { name: 'test-model', version: '1.0.0', blobKey: 'none', sha256: 'none', card: {}, stage: 'PRODUCTION' },
      update: {},
    });
    await storeShownPrediction(c.id, model.id, writeNiftiMask(predictionMask(), image));
  }
  return c.id;
}

/** A NIfTI mask as a browser would upload it: gzipped, on the case grid. */
export function maskFile(mask: Uint8Array, affine = AFFINE): Uint8Array {
  return writeNiftiMask(mask, { dims: DIMS, affine, data: mask });
}
